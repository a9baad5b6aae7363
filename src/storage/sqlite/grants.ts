import { and, desc, eq, gt, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { CreatedPosition, GrantsRepo, GrantStatus } from '../contract.js';
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
  if (!after) return undefined;
  return or(lt(grants.createdAt, after.createdAt), and(eq(grants.createdAt, after.createdAt), lt(grants.id, after.id)));
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
        or(eq(grants.granteeAccountId, sql.placeholder('accountId')), eq(grants.granteeOrganisationId, sql.placeholder('organisationId'))),
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

    async listForGrantee(accountId, organisationId, q) {
      const grantee = organisationId
        ? or(eq(grants.granteeAccountId, accountId), eq(grants.granteeOrganisationId, organisationId))
        : eq(grants.granteeAccountId, accountId);
      return db
        .select()
        .from(grants)
        .where(
          and(
            grantee,
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

    async activeFor(subjectId, accountId, organisationId, now) {
      // A null organisation must match nothing; '' never equals a stored id.
      return active.all({ subjectId, accountId, organisationId: organisationId ?? '', now }).map(fromDbGrant);
    },

    async revoke(subjectId, id, now, receipt, log) {
      return db.transaction(
        () => {
          const current = byId.get({ subjectId, id });
          if (!current) return undefined;
          if (current.revokedAt !== null) return fromDbGrant(current);
          db.update(grants)
            .set({ revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt })
            .where(eq(grants.id, id))
            .run();
          appendLogEntry(db, log);
          return fromDbGrant({ ...current, revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt });
        },
        { behavior: 'immediate' },
      );
    },
  };
}
