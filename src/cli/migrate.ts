import { loadConfig } from '../config.js';
import { openDatabase, runMigrations } from '../storage/sqlite/index.js';

/**
 * `tessera migrate`. Opens the bare database rather than the storage: the repositories prepare
 * their statements when built, which fails on a fresh file whose tables do not exist yet.
 */
export function migrate(): void {
  const config = loadConfig();
  const db = openDatabase(config.dbFile);
  try {
    const applied = runMigrations(db);
    process.stdout.write(`${applied} migration(s) applied to ${config.dbFile}\n`);
  } finally {
    // Fold the WAL back into the main file, as the storage's own close does.
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.close();
  }
}
