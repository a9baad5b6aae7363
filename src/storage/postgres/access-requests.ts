import { and, desc, eq } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { AccessRequestRow, AccessRequestsRepo } from '../contract.js';
import { fromStoredRequest, toStoredGrant, toStoredRequest, type StoredRequest } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Tx, Db } from './open.js';
import { accessRequests, grants } from './schema.js';

/** Only a request still pending may be decided; a concurrent decision waits on the row, then finds it decided. */
async function decide(tx: Tx, request: AccessRequestRow, set: Partial<StoredRequest>): Promise<boolean> {
  const changed = await tx
    .update(accessRequests)
    .set(set)
    .where(and(eq(accessRequests.id, request.id), eq(accessRequests.status, 'pending')))
    .returning({ id: accessRequests.id });
  return changed.length === 1;
}

export function accessRequestsRepo(db: Db): AccessRequestsRepo {
  return {
    async create(row) {
      await db.insert(accessRequests).values(toStoredRequest(row));
    },

    async get(subjectId, id) {
      const [r] = await db
        .select()
        .from(accessRequests)
        .where(and(eq(accessRequests.subjectId, subjectId), eq(accessRequests.id, id)));
      return r ? fromStoredRequest(r) : undefined;
    },

    async listForRequester(accountId, q) {
      const after = olderThan(accessRequests.createdAt, accessRequests.id, q.after && { time: q.after.createdAt, id: q.after.id });
      const rows = await db
        .select()
        .from(accessRequests)
        .where(and(eq(accessRequests.requesterAccountId, accountId), after))
        .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
        .limit(q.limit);
      return rows.map(fromStoredRequest);
    },

    async listForSubject(subjectId, q) {
      const after = olderThan(accessRequests.createdAt, accessRequests.id, q.after && { time: q.after.createdAt, id: q.after.id });
      const rows = await db
        .select()
        .from(accessRequests)
        .where(and(eq(accessRequests.subjectId, subjectId), q.status ? eq(accessRequests.status, q.status) : undefined, after))
        .orderBy(desc(accessRequests.createdAt), desc(accessRequests.id))
        .limit(q.limit);
      return rows.map(fromStoredRequest);
    },

    async approve(request, grant, log) {
      return db.transaction(async (tx) => {
        if (!(await decide(tx, request, { status: 'approved', decidedAt: grant.createdAt, grantId: grant.id }))) return 'not-pending' as const;
        await tx.insert(grants).values(toStoredGrant(grant));
        await appendLogEntry(tx, log);
        return 'approved' as const;
      });
    },

    async deny(request, now, log) {
      return db.transaction(async (tx) => {
        if (!(await decide(tx, request, { status: 'denied', decidedAt: now }))) return 'not-pending' as const;
        await appendLogEntry(tx, log);
        return 'denied' as const;
      });
    },
  };
}
