import path from 'node:path';
import { inject } from 'vitest';
import type { Storage } from '../../src/storage/contract.js';
import { openStorage } from '../../src/storage/index.js';
import type { PostgresStorage } from '../../src/storage/postgres/index.js';
import type { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { createDatabase, dropDatabase } from './postgres-server.js';

/**
 * The database a test app runs on. In the `sqlite` project (vitest.config.ts) a fresh file in
 * the test's folder; in the `postgres` project a fresh database on the project's server. Tests
 * go through the storage factory either way, as the server does.
 */
export interface TestStorage {
  adapter: 'sqlite' | 'postgres';
  /** What the app's configuration needs to find this database. */
  env: Record<string, string>;
  open(): Promise<Storage>;
  /** Removes the database (the folder is removed by the caller). */
  drop(): Promise<void>;
  /** @throws when the test runs on PostgreSQL: the caller looks inside SQLite's file */
  sqlite(storage: Storage): SqliteStorage;
  /** @throws when the test runs on SQLite */
  postgres(storage: Storage): PostgresStorage;
}

/** @returns the PostgreSQL server this test run uses, or undefined in the SQLite project */
export function postgresAdminUrl(): string | undefined {
  return inject('postgresAdminUrl');
}

export async function openTestStorage(dir: string): Promise<TestStorage> {
  const adminUrl = postgresAdminUrl();
  const wrong = (adapter: string) => () => {
    throw new Error(`this test looks inside ${adapter === 'sqlite' ? 'PostgreSQL' : 'SQLite'} storage, but runs on ${adapter}`);
  };
  if (!adminUrl) {
    const config = { databaseUrl: null, dbFile: path.join(dir, 'tessera.db') };
    return {
      adapter: 'sqlite',
      env: {},
      open: () => openStorage(config),
      drop: async () => undefined,
      sqlite: (s) => s as SqliteStorage,
      postgres: wrong('sqlite'),
    };
  }
  const url = await createDatabase(adminUrl);
  return {
    adapter: 'postgres',
    env: { TESSERA_DATABASE_URL: url },
    open: () => openStorage({ databaseUrl: url, dbFile: '' }),
    drop: () => dropDatabase(adminUrl, url),
    sqlite: wrong('postgres'),
    postgres: (s) => s as PostgresStorage,
  };
}
