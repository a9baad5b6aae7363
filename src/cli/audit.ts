import { loadConfig } from '../config.js';
import { createDeps } from '../core/deps.js';
import { loadKeys } from '../crypto/keyring.js';
import { ConfigError } from '../errors.js';
import { verifyAccessLog } from '../features/access-log/verify.js';
import { openSqliteStorage } from '../storage/sqlite/index.js';
import { flag } from './args.js';

/**
 * `tessera audit verify [--subject ID]`: walks every access-log chain. Exit 0 with a count, or
 * exit 1 naming the first broken entry.
 */
export async function auditVerify(args: string[]): Promise<void> {
  const subject = flag(args, '--subject');
  if (args.includes('--subject') && !subject) throw new ConfigError('--subject needs a subject id');
  const config = loadConfig();
  const keys = loadKeys(config.keysFile, config.dataDir);
  const storage = openSqliteStorage(config.dbFile);
  try {
    const report = await verifyAccessLog(createDeps(config, storage, keys.keyring), subject);
    if (report.broken) {
      const b = report.broken;
      process.stderr.write(`access log BROKEN: subject ${b.subjectId}, entry ${b.id} (position ${b.seq}) does not match its chain\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`access log intact: ${report.entries} entries in ${report.subjects} chain(s)\n`);
  } finally {
    storage.close();
  }
}
