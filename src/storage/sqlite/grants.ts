import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { CreatedPosition, GrantsRepo, GrantStatus } from '../contract.js';
import { membersReaching, reachesHolder } from '../holder-sql.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { grants } from './schema.js';
import { fromStoredGrant as fromDbGrant, toStoredGrant as toDbGrant } from '../rows.js';

function statusCondition(status: GrantStatus | undefined, now: number): SQL | undefined {
  if (status === 'active') return and(isNull(grants.revokedAt), gt(grants.expiresAt, now));
  if (status === 'expired') return and(isNull(grants.revokedAt), lte(grants.expiresAt, now));
  if (status === 'revoked') return isNotNull(grants.revokedAt);
  return undefined;
}

function afterCondition(after: CreatedPosition | undefined): SQL | undefined {
  return olderThan(grants.createdAt, grants.id, after && { time: after.createdAt, id: after.id });
}

export function grantsRepo(db: Db): GrantsRepo {
  // The hot path of every supporter request: one indexed lookup per grantee column.
  const active = db
    .select()
    .from(grants)
    .where(
      and(
        eq(grants.subjectId, sql.placeholder('subjectId')),
        isNull(grants.revokedAt),
        gt(grants.expiresAt, sql.placeholder('now')),
        or(
          eq(grants.granteeAccountId, sql.placeholder('accountId')),
          and(
            eq(grants.granteeOrganisationId, sql.placeholder('organisationId')),
            or(eq(grants.members, 'all'), eq(grants.members, sql.placeholder('members'))),
          ),
        ),
      ),
    )
    .prepare();
  const byId = db
    .select()
    .from(grants)
    .where(and(eq(grants.subjectId, sql.placeholder('subjectId')), eq(grants.id, sql.placeholder('id'))))
    .prepare();

  return {
    async create(row, log) {
      db.transaction(
        () => {
          db.insert(grants).values(toDbGrant(row)).run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async find(id) {
      const r = db.select().from(grants).where(eq(grants.id, id)).get();
      return r ? fromDbGrant(r) : undefined;
    },

    async get(subjectId, id) {
      const r = byId.get({ subjectId, id });
      return r ? fromDbGrant(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      return db
        .select()
        .from(grants)
        .where(and(eq(grants.subjectId, subjectId), statusCondition(q.status, q.now), afterCondition(q.after)))
        .orderBy(desc(grants.createdAt), desc(grants.id))
        .limit(q.limit)
        .all()
        .map(fromDbGrant);
    },

    async listForGrantee(holder, q) {
      const grantee = reachesHolder(holder, grants);
      return db
        .select()
        .from(grants)
        .where(
          and(
            grantee,
            ne(grants.access, 'aggregate'),
            q.subjectId ? eq(grants.subjectId, q.subjectId) : undefined,
            statusCondition(q.status, q.now),
            afterCondition(q.after),
          ),
        )
        .orderBy(desc(grants.createdAt), desc(grants.id))
        .limit(q.limit)
        .all()
        .map(fromDbGrant);
    },

    async activeFor(subjectId, holder, now) {
      // A null organisation, or a kind no organisation grant reaches, must match nothing:
      // '' never equals a stored id or members value.
      const members = membersReaching(holder.kind).find((m) => m !== 'all') ?? '';
      const organisationId = members ? (holder.organisationId ?? '') : '';
      return active.all({ subjectId, accountId: holder.accountId, organisationId, members, now }).map(fromDbGrant);
    },

    async expiringBetween(from, to, limit, after) {
      const position = after ? or(gt(grants.expiresAt, after.expiresAt), and(eq(grants.expiresAt, after.expiresAt), gt(grants.id, after.id))) : undefined;
      return db
        .select()
        .from(grants)
        .where(and(isNull(grants.revokedAt), gte(grants.expiresAt, from), lt(grants.expiresAt, to), position))
        .orderBy(asc(grants.expiresAt), asc(grants.id))
        .limit(limit)
        .all()
        .map(fromDbGrant);
    },

    async activeForOrganisation(organisationId, kind, now) {
      const members = membersReaching(kind);
      if (members.length === 0) return [];
      const rows = db
        .select({ subjectId: grants.subjectId, id: grants.id })
        .from(grants)
        .where(and(eq(grants.granteeOrganisationId, organisationId), inArray(grants.members, members), statusCondition('active', now)))
        .orderBy(grants.subjectId)
        .all();
      const bySubject = new Map<string, string[]>();
      for (const r of rows) bySubject.set(r.subjectId, [...(bySubject.get(r.subjectId) ?? []), r.id]);
      return [...bySubject].map(([subjectId, grantIds]) => ({ subjectId, grantIds }));
    },

    async aggregateFor(organisationId, kind, now) {
      const members = membersReaching(kind);
      if (members.length === 0) return [];
      return db
        .select()
        .from(grants)
        .where(
          and(
            eq(grants.granteeOrganisationId, organisationId),
            eq(grants.access, 'aggregate'),
            inArray(grants.members, members),
            statusCondition('active', now),
          ),
        )
        .orderBy(grants.subjectId, grants.id)
        .all()
        .map(fromDbGrant);
    },

    async revoke(subjectId, id, now, receipt, log) {
      return db.transaction(
        () => {
          const current = byId.get({ subjectId, id });
          if (!current) return undefined;
          if (current.revokedAt !== null) return fromDbGrant(current);
          db.update(grants)
            .set({ revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt, integrity: null })
            .where(eq(grants.id, id))
            .run();
          appendLogEntry(db, log);
          return fromDbGrant({ ...current, revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt, integrity: null });
        },
        { behavior: 'immediate' },
      );
    },

    async setShareName(subjectId, id, change, log) {
      return db.transaction(
        () => {
          const current = byId.get({ subjectId, id });
          if (!current) return undefined;
          // A revoked grant carries no MAC and shows no name: it is left as it is.
          if (current.revokedAt !== null) return fromDbGrant(current);
          db.update(grants).set(change).where(eq(grants.id, id)).run();
          appendLogEntry(db, log);
          return fromDbGrant({ ...current, ...change });
        },
        { behavior: 'immediate' },
      );
    },
  };
}
