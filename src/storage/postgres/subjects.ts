import { eq, sql } from 'drizzle-orm';
import type { SubjectsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import { LOCK_CLASS, type Db } from './open.js';
import { accessLog, idempotencyKeys, logCheckpoints, subjectKeys, subjects } from './schema.js';

export function subjectsRepo(db: Db): SubjectsRepo {
  return {
    async erase(subjectId, tombstone) {
      // 1. The key goes first, in its own commit: from here on no copy of the rows opens.
      await db.delete(subjectKeys).where(eq(subjectKeys.subjectId, subjectId));
      // 2. Everything else; foreign keys cascade from the subject to records, grants, requests,
      //    watches, alerts, deliveries, the account, its sessions and refresh tokens. The
      //    deleted tuples stay in the table files and the WAL until vacuum and WAL recycling;
      //    they hold only sealed bytes, which step 1 made unreadable (README "Running on
      //    PostgreSQL", erasure).
      await db.transaction(async (tx) => {
        await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.subjectId, subjectId));
        await tx.delete(subjects).where(eq(subjects.id, subjectId));
        // The log held who read what and under which terms: only the tombstone stays, as the
        // first link of a new chain, so every chain still verifies. The chain's lock is taken
        // first, so no append of another instance lands between the delete and the tombstone.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${subjectId}))`);
        await tx.delete(accessLog).where(eq(accessLog.subjectId, subjectId));
        await tx.delete(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId));
        await appendLogEntry(tx, tombstone);
      });
    },
  };
}
