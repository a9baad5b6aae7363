import { loadConfig } from '../config.js';
import { openSqliteStorage, runMigrations } from '../storage/sqlite/index.js';

export function migrate(): void {
  const config = loadConfig();
  const storage = openSqliteStorage(config.dbFile, { migrate: false });
  try {
    const applied = runMigrations(storage.db);
    process.stdout.write(`${applied} migration(s) applied to ${config.dbFile}\n`);
  } finally {
    storage.close();
  }
}
