import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { makeDir } from '../../core/dirs.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** migrations/ sits at the package root, two levels above both src/storage and dist/storage. */
export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

/**
 * Opens the database file with the pragmas durability and concurrency rely on.
 * @param file path of the SQLite file (its folder is created)
 * @returns the drizzle handle; `$client` is the better-sqlite3 connection
 */
export function openDatabase(file: string): Db {
  makeDir(path.dirname(file));
  const client = new Database(file);
  // WAL lets readers run beside the writer; synchronous=FULL fsyncs the WAL on every commit,
  // so an acknowledged write survives kill -9 and power loss (threat model: crash mid-write).
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = FULL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  // Deleted rows are overwritten, so an erased person's sealed rows do not linger in free pages.
  client.pragma('secure_delete = ON');
  client.pragma('temp_store = MEMORY');
  return drizzle({ client, schema }) as Db;
}

/**
 * Applies pending migrations (forward-only, in order, each in a transaction).
 * @returns how many were applied
 */
export function runMigrations(db: Db): number {
  const count = () => {
    try {
      return (db.$client.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n;
    } catch {
      return 0;
    }
  };
  const before = count();
  migrate(db, { migrationsFolder });
  return count() - before;
}
