import { and, eq, inArray } from 'drizzle-orm';
import type { ImportJobRow, ImportsRepo } from '../contract.js';
import { fromBuffer, toBuffer } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import { applyEffects } from './effects.js';
import type { Db } from './open.js';
import { insertRows } from './records.js';
import { storeChunks } from './series.js';
import { importDigests, importJobs } from './schema.js';

type DbJob = typeof importJobs.$inferSelect;

const fromDb = (r: DbJob): ImportJobRow => ({ ...r, sealedErrors: r.sealedErrors ? fromBuffer(r.sealedErrors) : null });

/** Digests looked up per statement, far below PostgreSQL's 65,535 bind parameters. */
const CHUNK = 5_000;

class ConcurrentImport extends Error {}

export function importsRepo(db: Db): ImportsRepo {
  return {
    async createJob(row) {
      await db.insert(importJobs).values({ ...row, sealedErrors: row.sealedErrors ? toBuffer(row.sealedErrors) : null });
    },

    async getJob(subjectId, id) {
      const [row] = await db
        .select()
        .from(importJobs)
        .where(and(eq(importJobs.subjectId, subjectId), eq(importJobs.id, id)));
      return row ? fromDb(row) : undefined;
    },

    async progress(id, processed) {
      await db.update(importJobs).set({ processed }).where(eq(importJobs.id, id));
    },

    async fail(id, sealedErrors, now) {
      await db.update(importJobs).set({ status: 'failed', sealedErrors: toBuffer(sealedErrors), finishedAt: now }).where(eq(importJobs.id, id));
    },

    async known(subjectId, digests) {
      const out: string[] = [];
      for (let i = 0; i < digests.length; i += CHUNK) {
        const rows = await db
          .select({ digest: importDigests.digest })
          .from(importDigests)
          .where(and(eq(importDigests.subjectId, subjectId), inArray(importDigests.digest, digests.slice(i, i + CHUNK))));
        for (const r of rows) out.push(r.digest);
      }
      return out;
    },

    async store(job, rows, digests, log, effects, chunks) {
      try {
        return await db.transaction(async (tx) => {
          // A chunk another import created or merged since this one read it: roll back, read again.
          if (!(await storeChunks(tx, chunks))) throw new ConcurrentImport();
          await insertRows(tx, rows);
          for (let i = 0; i < digests.length; i += 1_000) {
            const part = digests.slice(i, i + 1_000).map((d) => ({ subjectId: job.subjectId, digest: d.digest, recordId: d.recordId }));
            // Another instance's import of the same entry committed first: roll this one back whole.
            const inserted = await tx.insert(importDigests).values(part).onConflictDoNothing().returning({ digest: importDigests.digest });
            if (inserted.length !== part.length) throw new ConcurrentImport();
          }
          if (log) await appendLogEntry(tx, log);
          await applyEffects(tx, effects);
          await tx
            .update(importJobs)
            .set({ status: 'completed', processed: job.added + job.skipped, added: job.added, skipped: job.skipped, finishedAt: job.now })
            .where(eq(importJobs.id, job.id));
          return true;
        });
      } catch (e) {
        if (e instanceof ConcurrentImport) return false;
        throw e;
      }
    },
  };
}
