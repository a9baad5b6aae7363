import { eq, sql } from 'drizzle-orm';
import type { Storage } from '../contract.js';
import { accountsRepo } from './accounts.js';
import { openDatabase, runMigrations, type Db } from './open.js';
import { recordsRepo } from './records.js';
import { subjectKeys } from './schema.js';
import { sessionsRepo } from './sessions.js';

export { openDatabase, runMigrations };

export interface SqliteStorage extends Storage {
  /** The drizzle handle, for the CLI's maintenance commands only. */
  readonly db: Db;
}

/**
 * Opens (and migrates) the SQLite store.
 * @param file database file path
 * @param options.migrate apply pending migrations first (default true)
 */
export function openSqliteStorage(file: string, options: { migrate?: boolean } = {}): SqliteStorage {
  const db = openDatabase(file);
  if (options.migrate !== false) runMigrations(db);
  const wrapped = db.select().from(subjectKeys).where(eq(subjectKeys.subjectId, sql.placeholder('id'))).prepare();
  let closed = false;
  return {
    db,
    accounts: accountsRepo(db),
    sessions: sessionsRepo(db),
    records: recordsRepo(db),
    keys: {
      async getWrapped(subjectId) {
        const row = wrapped.get({ id: subjectId });
        return row ? { subjectId: row.subjectId, kekId: row.kekId, wrappedKey: new Uint8Array(row.wrappedKey) } : undefined;
      },
    },
    async ping() {
      db.$client.prepare('SELECT 1').get();
    },
    close() {
      if (closed) return;
      closed = true;
      // Fold the WAL back into the main file so the data folder is one self-contained file.
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
      db.$client.close();
    },
  };
}
