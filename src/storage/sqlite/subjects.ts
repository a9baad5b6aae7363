import { eq } from 'drizzle-orm';
import type { SubjectsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { accessLog, accessRequests, idempotencyKeys, logCheckpoints, subjectKeys, subjects } from './schema.js';

export function subjectsRepo(db: Db): SubjectsRepo {
  return {
    async erase(subjectId, tombstone) {
      // 1. The key goes first, in its own commit: from here on no copy of the rows opens.
      db.delete(subjectKeys).where(eq(subjectKeys.subjectId, subjectId)).run();
      // 2. Everything else; foreign keys cascade from the subject to records, grants, invites,
      //    watches, alerts, deliveries, the account, its sessions and refresh tokens. Access
      //    requests have no foreign key (schema.ts says why), so they go by name.
      db.transaction(
        () => {
          db.delete(idempotencyKeys).where(eq(idempotencyKeys.subjectId, subjectId)).run();
          db.delete(accessRequests).where(eq(accessRequests.subjectId, subjectId)).run();
          db.delete(subjects).where(eq(subjects.id, subjectId)).run();
          // The log held who read what and under which terms: only the tombstone stays, as the
          // first link of a new chain, so every chain still verifies.
          db.delete(accessLog).where(eq(accessLog.subjectId, subjectId)).run();
          db.delete(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId)).run();
          appendLogEntry(db, tombstone);
        },
        { behavior: 'immediate' },
      );
      // 3. secure_delete zeroed the freed pages in the main file; folding and truncating the WAL
      //    removes the copies of those pages the log still held.
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
