import fs from 'node:fs';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Storage } from './contract.js';
import {
  backupDatabase,
  inspectDatabaseFile,
  keepDatabaseFile,
  openSqliteStorage,
  removeDatabaseFile,
  replaceDatabaseFile,
  shippedMigrations,
  type DatabaseFacts,
} from './sqlite/index.js';

/**
 * The one place that picks a storage adapter (docs/architecture.md "The storage port"): the
 * server, every CLI command and the tests open storage here, so nothing outside src/storage
 * knows which database it talks to.
 */

export type StorageConfig = Pick<Config, 'databaseUrl' | 'dbFile'>;

/** @returns which adapter a configuration selects */
export function dialectOf(config: StorageConfig): 'sqlite' | 'postgres' {
  return config.databaseUrl ? 'postgres' : 'sqlite';
}

/**
 * Opens the configured storage, applying pending migrations first.
 * @param options.serving for a long-running server: on SQLite, WAL checkpoints run in a worker
 *   thread rather than inside commits on the event loop (PostgreSQL checkpoints in its own
 *   processes already)
 * @returns the storage; close it when done
 */
export async function openStorage(config: StorageConfig, options: { serving?: boolean } = {}): Promise<Storage> {
  if (config.databaseUrl) {
    const { openPostgresStorage } = await import('./postgres/index.js');
    return openPostgresStorage(config.databaseUrl);
  }
  if (!options.serving) return openSqliteStorage(config.dbFile);
  return openSqliteStorage(config.dbFile, {
    backgroundCheckpoints: true,
    // The next checkpoint tries again; meanwhile the WAL only grows.
    onCheckpointError: (message) => process.stderr.write(`tessera: WAL checkpoint failed (retrying): ${message}\n`),
  });
}

/**
 * Applies pending migrations without opening the repositories (`tessera migrate`).
 * @returns how many were applied and where
 */
export async function migrateStorage(config: StorageConfig): Promise<{ applied: number; where: string }> {
  if (config.databaseUrl) {
    const { migratePostgres, describeUrl } = await import('./postgres/index.js');
    return { applied: await migratePostgres(config.databaseUrl), where: describeUrl(config.databaseUrl) };
  }
  const { migrateSqliteFile } = await import('./sqlite/index.js');
  return { applied: migrateSqliteFile(config.dbFile), where: config.dbFile };
}

/**
 * Backups are SQLite files taken with its online backup API; on PostgreSQL the database's own
 * tools take them (README "Running on PostgreSQL").
 * @throws ConfigError on PostgreSQL
 */
function sqliteOnly(config: StorageConfig, what: string): void {
  if (config.databaseUrl) {
    throw new ConfigError(`${what} works on SQLite files; on PostgreSQL use pg_dump and pg_restore (README "Running on PostgreSQL")`);
  }
}

/** @returns the facts of a consistent online copy of the database written to `target` */
export async function backupToFile(config: StorageConfig, target: string): Promise<DatabaseFacts & { bytes: number }> {
  sqliteOnly(config, 'tessera backup');
  const storage = openSqliteStorage(config.dbFile);
  try {
    return await backupDatabase(storage.db, target);
  } finally {
    await storage.close();
  }
}

/** @returns what a restore must check in a backup file, without changing it */
export function inspectBackupFile(config: StorageConfig, file: string): DatabaseFacts {
  sqliteOnly(config, 'tessera restore');
  return inspectDatabaseFile(file);
}

/**
 * Copies a backup into the data folder to be checked there: opening the backup itself could
 * leave files beside it, and it is only ever read.
 * @returns the copy's path and what a restore must check in it
 * @throws ConfigError when the file is not an SQLite database (the copy is removed)
 */
export function stageBackupFile(config: StorageConfig, file: string): { staged: string; facts: DatabaseFacts } {
  sqliteOnly(config, 'tessera restore');
  const staged = `${config.dbFile}.restore-check`;
  removeDatabaseFile(staged);
  fs.copyFileSync(file, staged);
  try {
    return { staged, facts: inspectDatabaseFile(staged) };
  } catch {
    removeDatabaseFile(staged);
    throw new ConfigError(`${file} is not an SQLite database`);
  }
}

/** Removes a staged copy a restore refused. */
export function discardStagedBackup(staged: string): void {
  removeDatabaseFile(staged);
}

/**
 * Puts a checked, staged backup in place of the database (keeping the one it replaces when
 * asked) and brings it up to this version's schema.
 */
export async function restoreStagedBackup(config: StorageConfig, staged: string, keepReplacedAs: string | null): Promise<void> {
  sqliteOnly(config, 'tessera restore');
  if (keepReplacedAs) keepDatabaseFile(config.dbFile, keepReplacedAs);
  replaceDatabaseFile(staged, config.dbFile);
  removeDatabaseFile(staged);
  await openSqliteStorage(config.dbFile).close();
}

export { shippedMigrations, type DatabaseFacts };
