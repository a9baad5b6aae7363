import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { AccessRequestRow, AccessRequestsRepo, CreatedPosition } from '../contract.js';
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

  /** One page of requests matching `where`, newest first, after a keyset position. */
  const newestFirst = (where: SQL, q: { after?: CreatedPosition; limit: number }) => {
    const after = olderThan(accessRequests.createdAt, accessRequests.id, q.after && { time: q.after.createdAt, id: q.after.id });
    return db
      .select()
      .from(accessRequests)
      .where(and(where, after))
      .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
      .limit(q.limit)
      .all()
      .map(fromDb);
  };

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

    async listForRequester(accountId, q) {
      return newestFirst(eq(accessRequests.requesterAccountId, accountId), q);
    },

    async get(subjectId, id) {
      const r = byId.get({ subjectId, id });
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      return newestFirst(and(eq(accessRequests.subjectId, subjectId), q.status ? eq(accessRequests.status, q.status) : undefined)!, q);
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
