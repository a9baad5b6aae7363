import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Storage } from './contract.js';
import { backupDatabase, inspectDatabaseFile, openSqliteStorage, replaceDatabaseFile, shippedMigrations, type DatabaseFacts } from './sqlite/index.js';

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
 * @returns the storage; close it when done
 */
export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (config.databaseUrl) {
    const { openPostgresStorage } = await import('./postgres/index.js');
    return openPostgresStorage(config.databaseUrl);
  }
  return openSqliteStorage(config.dbFile);
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

/** Puts a checked backup in place of the database and brings it up to this version's schema. */
export async function restoreFromFile(config: StorageConfig, file: string): Promise<void> {
  sqliteOnly(config, 'tessera restore');
  replaceDatabaseFile(file, config.dbFile);
  await openSqliteStorage(config.dbFile).close();
}

export { shippedMigrations, type DatabaseFacts };
