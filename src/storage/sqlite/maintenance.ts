import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { makeDir } from '../../core/dirs.js';
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
  const db = new Database(file, { fileMustExist: true });
  try {
    // A copy made from a WAL database is in WAL mode too: opening it would leave -wal and -shm
    // files beside it. In rollback mode it is one self-contained file, as a backup should be.
    try {
      db.pragma('journal_mode = DELETE');
    } catch {
      // Not a database, or a damaged one: the integrity check below says which.
    }
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
  removeDatabaseFile(tmp);
  let facts: DatabaseFacts;
  try {
    await db.$client.backup(tmp);
    facts = inspectDatabaseFile(tmp);
  } catch (e) {
    removeDatabaseFile(tmp);
    throw e;
  }
  if (facts.integrity !== 'ok') {
    removeDatabaseFile(tmp);
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
  makeDir(path.dirname(dbFile));
  const tmp = `${dbFile}.restore-tmp`;
  fs.copyFileSync(backup, tmp);
  const fd = fs.openSync(tmp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
  fs.renameSync(tmp, dbFile);
}

/**
 * Moves the database file (with its WAL folded in first) aside to `keepAs`, so a forced
 * restore can be undone. The caller has stopped the server.
 */
export function keepDatabaseFile(dbFile: string, keepAs: string): void {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  fs.renameSync(dbFile, keepAs);
  for (const suffix of ['-wal', '-shm']) fs.rmSync(dbFile + suffix, { force: true });
}

/** Removes a database file and the -wal/-shm files SQLite may have made beside it. */
export function removeDatabaseFile(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}
