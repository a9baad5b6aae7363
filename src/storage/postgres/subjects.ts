import { eq } from 'drizzle-orm';
import type { SubjectsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { idempotencyKeys, subjectKeys, subjects } from './schema.js';

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
        await appendLogEntry(tx, tombstone);
      });
    },
  };
}
