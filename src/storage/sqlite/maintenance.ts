import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { migrationsFolder, type Db } from './open.js';

/** Operator maintenance on SQLite files: backups, restores, checks. */

export interface DatabaseFacts {
  integrity: string;
  /** Migrations applied in the file. */
  migrations: number;
  /** KEK ids its wrapped keys and secrets need. */
  kekIds: string[];
}

/** @returns how many migrations this version of Tessera ships */
export function shippedMigrations(): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/**
 * Reads what a restore must check from a database file, without changing it.
 * @throws when the file is not an SQLite database
 */
export function inspectDatabaseFile(file: string): DatabaseFacts {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const hasTable = (name: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
    const migrations = hasTable('__drizzle_migrations') ? (db.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get() as { n: number }).n : 0;
    const kekIds = new Set<string>();
    for (const table of ['subject_keys', 'webhooks']) {
      if (!hasTable(table)) continue;
      for (const r of db.prepare(`SELECT DISTINCT kek_id AS id FROM ${table}`).all() as { id: string }[]) kekIds.add(r.id);
    }
    return { integrity, migrations, kekIds: [...kekIds] };
  } finally {
    db.close();
  }
}

/**
 * Writes a consistent copy of a live database with SQLite's online backup API (other
 * connections keep reading and writing meanwhile), then checks the copy.
 * @returns the copy's facts
 */
export async function backupDatabase(db: Db, target: string): Promise<DatabaseFacts & { bytes: number }> {
  const tmp = `${target}.partial`;
  fs.rmSync(tmp, { force: true });
  await db.$client.backup(tmp);
  const facts = inspectDatabaseFile(tmp);
  if (facts.integrity !== 'ok') {
    fs.rmSync(tmp, { force: true });
    throw new Error(`the copy failed its integrity check: ${facts.integrity}`);
  }
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, target);
  return { ...facts, bytes: fs.statSync(target).size };
}

/**
 * Puts a checked backup in place of the database file: copy beside it, fsync, drop the old
 * WAL and shared-memory files, rename over. The caller has stopped the server.
 */
export function replaceDatabaseFile(backup: string, dbFile: string): void {
  fs.mkdirSync(path.dirname(dbFile), { recursive: true, mode: 0o700 });
  const tmp = `${dbFile}.restore-tmp`;
  fs.copyFileSync(backup, tmp);
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  fs.renameSync(tmp, dbFile);
}
