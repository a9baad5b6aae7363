import fs from 'node:fs';
import path from 'node:path';
import { openRuntime } from '../compose.js';
import { loadConfig } from '../config.js';
import { makeDir } from '../core/dirs.js';
import { loadKeys } from '../crypto/keyring.js';
import { ConfigError } from '../errors.js';
import { reapplyErasures } from '../features/accounts/erasure-ledger.js';
import { backupToFile, discardStagedBackup, restoreStagedBackup, shippedMigrations, stageBackupFile } from '../storage/index.js';
import { requireDatabase } from './database.js';

/**
 * `tessera backup FILE`: a consistent online copy of the database (wrapped keys only, never the
 * KEK), as one self-contained file. Safe while serving. Useless without the keys file; erased
 * people stay erased in it. SQLite only: on PostgreSQL the database's own tools take backups.
 */
export async function backup(args: string[]): Promise<void> {
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) throw new ConfigError('backup needs a target file: tessera backup FILE');
  const file = path.resolve(target);
  const folder = path.dirname(file);
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new ConfigError(`backup folder ${folder} does not exist; create it first`);
  if (fs.existsSync(file) && !args.includes('--force')) throw new ConfigError(`${file} exists; pass --force to overwrite it`);
  const config = loadConfig();
  requireDatabase(config);
  try {
    const facts = await backupToFile(config, file);
    process.stdout.write(
      `backup written: ${file} (${facts.bytes} bytes, ${facts.migrations} migrations, integrity ok; needs KEK ${facts.kekIds.join(', ') || '(none yet)'})\n`,
    );
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new ConfigError(`backup to ${file} failed: ${err.code ? `${err.code} ` : ''}${err.message.split('\n')[0]}`);
  }
}

/**
 * `tessera restore FILE [--force]`: checks a copy of the backup (integrity, migration level, a
 * KEK in the keys file for every wrapped key), puts it in place, brings it to this version's
 * schema and re-applies the erasure ledger, all before any server can serve it. The backup file
 * itself is only read. With --force the database it replaces is kept beside it.
 */
export async function restore(args: string[]): Promise<void> {
  const source = args.find((a) => !a.startsWith('--'));
  if (!source) throw new ConfigError('restore needs a backup file: tessera restore FILE');
  const file = path.resolve(source);
  if (!fs.existsSync(file)) throw new ConfigError(`backup ${file} does not exist`);
  const config = loadConfig();
  const replacing = !config.databaseUrl && fs.existsSync(config.dbFile);
  if (replacing && !args.includes('--force')) {
    throw new ConfigError(`${config.dbFile} already holds a database; stop the server and pass --force to replace it (a copy is kept)`);
  }
  const keys = loadKeys(config.keysFile, config.dataDir);
  if (!config.databaseUrl) makeDir(config.dataDir);
  const { staged, facts } = stageBackupFile(config, file);
  try {
    if (facts.integrity !== 'ok') throw new ConfigError(`${file} failed its integrity check: ${facts.integrity}`);
    const shipped = shippedMigrations();
    if (facts.migrations > shipped) {
      throw new ConfigError(`${file} comes from a newer Tessera (${facts.migrations} migrations; this version has ${shipped})`);
    }
    const missing = facts.kekIds.filter((id) => !keys.keyring.hasKek(id));
    if (missing.length) {
      throw new ConfigError(
        `the keys file ${keys.path} lacks KEK ${missing.join(', ')} that this backup needs (retired, or another keys file); restore with the keys file in use when it was taken`,
      );
    }
  } catch (e) {
    discardStagedBackup(staged);
    throw e;
  }
  const kept = replacing ? `${config.dbFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}` : null;
  await restoreStagedBackup(config, staged, kept);
  // Everyone erased since the backup was taken is erased again before anything can serve it.
  const runtime = await openRuntime(config, { keys });
  let erased;
  try {
    erased = await reapplyErasures(runtime.deps);
  } finally {
    await runtime.close();
  }
  process.stdout.write(
    `restored ${file} to ${config.dbFile} (${facts.migrations} of ${shippedMigrations()} migrations were applied in the backup); ` +
      `erasure ledger: ${erased.reapplied.length} erased again` +
      (erased.invalid ? `, ${erased.invalid} entries did not verify and were skipped` : '') +
      (kept ? `; the database it replaced is kept at ${kept}` : '') +
      '\n',
  );
}
