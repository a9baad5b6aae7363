import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };
/** A transaction handle; repositories take either (their writes join the caller's transaction). */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Q = Db | Tx;

/** migrations/postgres/ sits at the package root, as SQLite's migrations/ does. */
export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations/postgres');

/**
 * Advisory-lock keys (two 32-bit halves). Tessera's first half is fixed so its locks never meet
 * another application's on a shared server.
 */
export const LOCK_CLASS = 0x7e55e7a;
export const MIGRATION_LOCK = 1;

/** How many connections one instance keeps; the LISTEN connection comes on top. */
const POOL_MAX = 10;

/**
 * Opens a connection pool. An idle connection the server drops (restart, failover) is replaced
 * on the next query instead of crashing the process.
 */
export function openPool(url: string, onError: (e: Error) => void): Db {
  const pool = new pg.Pool({ connectionString: url, max: POOL_MAX, idleTimeoutMillis: 30_000 });
  pool.on('error', onError);
  return drizzle({ client: pool, schema }) as Db;
}

/**
 * Applies pending migrations under an advisory lock, so instances starting together on an
 * empty database migrate once: the first holds the lock and migrates, the others wait, then
 * find nothing left to apply.
 * @returns how many migrations this call applied
 */
export async function migratePostgres(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    try {
      const before = await appliedMigrations(client);
      await migrate(drizzle({ client, schema }), { migrationsFolder });
      return (await appliedMigrations(client)) - before;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, MIGRATION_LOCK]);
    }
  } finally {
    await client.end();
  }
}

async function appliedMigrations(client: pg.Client): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t");
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return Number(r.rows[0]!.n);
}

/** @returns the URL without its password, for messages and logs */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** bigint (int8) columns hold epoch ms: read as numbers, as the drizzle schema's mode 'number' does. */
const int8AsNumber = (v: string) => Number(v);
export const int8Types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? int8AsNumber : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig;

/**
 * Runs a named (server-side prepared) statement: parsed and planned once per connection, then
 * only bound and executed. For the few queries every request makes, where drizzle's builder and
 * PostgreSQL's parse cost more than the query itself.
 * @returns the rows as arrays, in the statement's column order
 */
export async function prepared<R extends unknown[]>(q: pg.Pool | pg.PoolClient, name: string, text: string, values: unknown[]): Promise<R[]> {
  const res = await q.query<R>({ name, text, values, rowMode: 'array', types: int8Types });
  return res.rows;
}
