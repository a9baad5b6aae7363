import { and, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { AccessRequestRow, AccessRequestsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { accessRequests, grants } from './schema.js';
import { fromStoredRequest as fromDb, toStoredGrant as toDbGrant, toStoredRequest as toDb, type StoredRequest } from '../rows.js';

export function accessRequestsRepo(db: Db): AccessRequestsRepo {
  const byId = db
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.subjectId, sql.placeholder('subjectId')), eq(accessRequests.id, sql.placeholder('id'))))
    .prepare();

  // Only a request still pending may be decided; the update's WHERE makes that atomic.
  const decide = (request: AccessRequestRow, set: Partial<StoredRequest>) =>
    db
      .update(accessRequests)
      .set(set)
      .where(and(eq(accessRequests.id, request.id), eq(accessRequests.status, 'pending')))
      .run().changes === 1;

  return {
    async create(row) {
      db.insert(accessRequests).values(toDb(row)).run();
    },

    async get(subjectId, id) {
      const r = byId.get({ subjectId, id });
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      const after = q.after
        ? or(lt(accessRequests.createdAt, q.after.createdAt), and(eq(accessRequests.createdAt, q.after.createdAt), lt(accessRequests.id, q.after.id)))
        : undefined;
      return db
        .select()
        .from(accessRequests)
        .where(and(eq(accessRequests.subjectId, subjectId), q.status ? eq(accessRequests.status, q.status) : undefined, after))
        .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
        .limit(q.limit)
        .all()
        .map(fromDb);
    },

    async approve(request, grant, log) {
      return db.transaction(
        () => {
          if (!decide(request, { status: 'approved', decidedAt: grant.createdAt, grantId: grant.id })) return 'not-pending' as const;
          db.insert(grants).values(toDbGrant(grant)).run();
          appendLogEntry(db, log);
          return 'approved' as const;
        },
        { behavior: 'immediate' },
      );
    },

    async deny(request, now, log) {
      return db.transaction(
        () => {
          if (!decide(request, { status: 'denied', decidedAt: now })) return 'not-pending' as const;
          appendLogEntry(db, log);
          return 'denied' as const;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
