import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStorage } from '../src/storage/postgres/index.js';

/**
 * `npm run bench -- --postgres`: the seeded SQLite file is copied row for row into a PostgreSQL
 * database (the same rows Tessera's modules wrote, so both adapters serve identical data), which
 * Tessera and the baseline then load.
 */

/** Tables in foreign-key order; the rest are empty after seeding. */
const TABLES = ['organisations', 'subjects', 'subject_keys', 'accounts', 'grants', 'access_log', 'records'];
const BATCH = 1000;

/**
 * Copies the seeded tables into an empty PostgreSQL database (migrated first).
 * @returns rows copied
 */
export async function copyToPostgres(sqliteFile: string, url: string, log: (line: string) => void): Promise<number> {
  await (await openPostgresStorage(url)).close();
  const source = new Database(sqliteFile, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let total = 0;
  try {
    for (const table of TABLES) {
      const columns = (source.prepare(`SELECT name FROM pragma_table_info('${table}')`).all() as { name: string }[]).map((c) => c.name);
      const list = columns.map((c) => `"${c}"`).join(', ');
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`).join(', ');
        await client.query(`INSERT INTO "${table}" (${list}) VALUES ${values}`, batch.flat());
        total += batch.length;
        batch = [];
      };
      await client.query('BEGIN');
      for (const row of source.prepare(`SELECT ${list} FROM "${table}"`).raw(true).iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length === BATCH) await flush();
      }
      await flush();
      await client.query('COMMIT');
      log(`postgres: copied ${table}`);
    }
    await client.query('ANALYZE');
  } finally {
    source.close();
    await client.end();
  }
  return total;
}
