import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { loadKeys } from '../crypto/keyring.js';
import { ConfigError } from '../errors.js';
import { backupToFile, dialectOf, inspectBackupFile, restoreFromFile, shippedMigrations } from '../storage/index.js';

/**
 * `tessera backup FILE`: a consistent online copy of the database (wrapped keys only, never the
 * KEK). Safe while serving. Useless without the keys file; erased people stay erased in it.
 */
export async function backup(args: string[]): Promise<void> {
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) throw new ConfigError('backup needs a target file: tessera backup FILE');
  const file = path.resolve(target);
  if (fs.existsSync(file) && !args.includes('--force')) throw new ConfigError(`${file} exists; pass --force to overwrite it`);
  const config = loadConfig();
  if (dialectOf(config) === 'sqlite' && !fs.existsSync(config.dbFile)) throw new ConfigError(`no database at ${config.dbFile} (TESSERA_DATA_DIR) to back up`);
  const facts = await backupToFile(config, file);
  process.stdout.write(
    `backup written: ${file} (${facts.bytes} bytes, ${facts.migrations} migrations, integrity ok; needs KEK ${facts.kekIds.join(', ') || '(none yet)'})\n`,
  );
}

/**
 * `tessera restore FILE [--force]`: checks the backup (integrity, migration level, a KEK in the
 * keys file for every wrapped key) and puts it in place. Refuses to replace an existing
 * database without --force; stop the server first.
 */
export async function restore(args: string[]): Promise<void> {
  const source = args.find((a) => !a.startsWith('--'));
  if (!source) throw new ConfigError('restore needs a backup file: tessera restore FILE');
  const file = path.resolve(source);
  if (!fs.existsSync(file)) throw new ConfigError(`backup ${file} does not exist`);
  const config = loadConfig();
  let facts;
  try {
    facts = inspectBackupFile(config, file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${file} is not an SQLite database`);
  }
  if (facts.integrity !== 'ok') throw new ConfigError(`${file} failed its integrity check: ${facts.integrity}`);
  const shipped = shippedMigrations();
  if (facts.migrations > shipped) {
    throw new ConfigError(`${file} comes from a newer Tessera (${facts.migrations} migrations; this version has ${shipped})`);
  }
  const keys = loadKeys(config.keysFile, config.dataDir);
  const missing = facts.kekIds.filter((id) => !keys.keyring.hasKek(id));
  if (missing.length) {
    throw new ConfigError(`the keys file ${keys.path} lacks KEK ${missing.join(', ')} that this backup needs; restore with the keys file in use when it was taken`);
  }
  if (fs.existsSync(config.dbFile) && !args.includes('--force')) {
    throw new ConfigError(`${config.dbFile} already holds a database; stop the server and pass --force to replace it`);
  }
  // Brings an older backup up to this version's schema.
  await restoreFromFile(config, file);
  process.stdout.write(`restored ${file} to ${config.dbFile} (${facts.migrations} of ${shipped} migrations were applied in the backup)\n`);
}
