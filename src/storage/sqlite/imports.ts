import { and, eq } from 'drizzle-orm';
import type { ImportJobRow, ImportsRepo } from '../contract.js';
import { appendLogEntry, groupCommit } from './access-log.js';
import { applyEffects } from './effects.js';
import type { Db } from './open.js';
import { insertRecordRows } from './records.js';
import { storeChunks } from './series.js';
import { importJobs } from './schema.js';

type DbJob = typeof importJobs.$inferSelect;

function fromDb(r: DbJob): ImportJobRow {
  return { ...r, sealedErrors: r.sealedErrors ? new Uint8Array(r.sealedErrors.buffer, r.sealedErrors.byteOffset, r.sealedErrors.byteLength) : null };
}

/** Digests looked up per statement. */
const CHUNK = 5_000;

export function importsRepo(db: Db): ImportsRepo {
  const commits = groupCommit(db);
  // One statement whatever the count: the digests go in as one JSON array (json_each), not as
  // thousands of bound parameters in a statement built and prepared afresh each time.
  const knownIn = db.$client.prepare('SELECT digest FROM import_digests WHERE subject_id = ? AND digest IN (SELECT value FROM json_each(?))');
  const insertDigest = db.$client.prepare('INSERT OR IGNORE INTO import_digests (subject_id, digest, record_id) VALUES (?, ?, ?)');
  return {
    async createJob(row) {
      db.insert(importJobs)
        .values({ ...row, sealedErrors: row.sealedErrors ? Buffer.from(row.sealedErrors) : null })
        .run();
    },

    async getJob(subjectId, id) {
      const row = db
        .select()
        .from(importJobs)
        .where(and(eq(importJobs.subjectId, subjectId), eq(importJobs.id, id)))
        .get();
      return row ? fromDb(row) : undefined;
    },

    async progress(id, processed) {
      db.update(importJobs).set({ processed }).where(eq(importJobs.id, id)).run();
    },

    async fail(id, sealedErrors, now) {
      db.update(importJobs)
        .set({ status: 'failed', sealedErrors: Buffer.from(sealedErrors), finishedAt: now })
        .where(eq(importJobs.id, id))
        .run();
    },

    async known(subjectId, digests) {
      const out: string[] = [];
      for (let i = 0; i < digests.length; i += CHUNK) {
        for (const r of knownIn.all(subjectId, JSON.stringify(digests.slice(i, i + CHUNK))) as { digest: string }[]) out.push(r.digest);
      }
      return out;
    },

    async store(job, rows, digests, log, effects, chunks) {
      return commits.run(() => {
        // A chunk another import created or merged since this one read it: store nothing, read again.
        if (!storeChunks(db, chunks)) throw new ConcurrentImport();
        insertRecordRows(db, rows);
        // In digest order: the primary key's B-tree is then filled page by page, not at random.
        for (const d of [...digests].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0))) {
          // Another import of the same entry committed first: this one stores nothing (savepoint rollback).
          if (insertDigest.run(job.subjectId, d.digest, d.recordId).changes === 0) throw new ConcurrentImport();
        }
        if (log) appendLogEntry(db, log);
        applyEffects(db, effects);
        db.update(importJobs)
          .set({ status: 'completed', processed: job.added + job.skipped, added: job.added, skipped: job.skipped, finishedAt: job.now })
          .where(eq(importJobs.id, job.id))
          .run();
        return true;
      }).catch((e: unknown) => {
        if (e instanceof ConcurrentImport) return false;
        throw e;
      });
    },
  };
}

class ConcurrentImport extends Error {}
