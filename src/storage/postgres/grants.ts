import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, type SQL } from 'drizzle-orm';
import type { CreatedPosition, GrantsRepo, GrantStatus } from '../contract.js';
import { membersReaching, reachesHolder } from '../holder-sql.js';
import { fromStoredGrant, toStoredGrant } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { grants } from './schema.js';

function statusCondition(status: GrantStatus | undefined, now: number): SQL | undefined {
  if (status === 'active') return and(isNull(grants.revokedAt), gt(grants.expiresAt, now));
  if (status === 'expired') return and(isNull(grants.revokedAt), lte(grants.expiresAt, now));
  if (status === 'revoked') return isNotNull(grants.revokedAt);
  return undefined;
}

function afterCondition(after: CreatedPosition | undefined): SQL | undefined {
  if (!after) return undefined;
  return or(lt(grants.createdAt, after.createdAt), and(eq(grants.createdAt, after.createdAt), lt(grants.id, after.id)));
}

export function grantsRepo(db: Db): GrantsRepo {
  const byId = (subjectId: string, id: string) => and(eq(grants.subjectId, subjectId), eq(grants.id, id));
  return {
    async create(row, log) {
      await db.transaction(async (tx) => {
        await tx.insert(grants).values(toStoredGrant(row));
        await appendLogEntry(tx, log);
      });
    },

    async get(subjectId, id) {
      const [r] = await db.select().from(grants).where(byId(subjectId, id));
      return r ? fromStoredGrant(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      const rows = await db
        .select()
        .from(grants)
        .where(and(eq(grants.subjectId, subjectId), statusCondition(q.status, q.now), afterCondition(q.after)))
        .orderBy(desc(grants.createdAt), desc(grants.id))
        .limit(q.limit);
      return rows.map(fromStoredGrant);
    },

    async listForGrantee(holder, q) {
      const grantee = reachesHolder(holder, grants);
      const rows = await db
        .select()
        .from(grants)
        .where(and(grantee, q.subjectId ? eq(grants.subjectId, q.subjectId) : undefined, statusCondition(q.status, q.now), afterCondition(q.after)))
        .orderBy(desc(grants.createdAt), desc(grants.id))
        .limit(q.limit);
      return rows.map(fromStoredGrant);
    },

    async activeFor(subjectId, holder, now) {
      const rows = await db
        .select()
        .from(grants)
        .where(and(eq(grants.subjectId, subjectId), isNull(grants.revokedAt), gt(grants.expiresAt, now), reachesHolder(holder, grants)));
      return rows.map(fromStoredGrant);
    },

    async activeForOrganisation(organisationId, kind, now) {
      const members = membersReaching(kind);
      if (members.length === 0) return [];
      const rows = await db
        .select({ subjectId: grants.subjectId, id: grants.id })
        .from(grants)
        .where(and(eq(grants.granteeOrganisationId, organisationId), inArray(grants.members, members), statusCondition('active', now)))
        .orderBy(asc(grants.subjectId));
      const bySubject = new Map<string, string[]>();
      for (const r of rows) bySubject.set(r.subjectId, [...(bySubject.get(r.subjectId) ?? []), r.id]);
      return [...bySubject].map(([subjectId, grantIds]) => ({ subjectId, grantIds }));
    },

    async revoke(subjectId, id, now, receipt, log) {
      return db.transaction(async (tx) => {
        // The row lock makes a second revocation, on any instance, wait and then see this one.
        const [current] = await tx.select().from(grants).where(byId(subjectId, id)).for('update');
        if (!current) return undefined;
        if (current.revokedAt !== null) return fromStoredGrant(current);
        const set = { revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt };
        await tx.update(grants).set(set).where(eq(grants.id, id));
        await appendLogEntry(tx, log);
        return fromStoredGrant({ ...current, ...set });
      });
    },
  };
}
