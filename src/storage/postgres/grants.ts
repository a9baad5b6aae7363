import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, type SQL } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { CreatedPosition, GrantRow, GrantsRepo, GrantStatus } from '../contract.js';
import { membersReaching, reachesHolder } from '../holder-sql.js';
import { fromStoredGrant, toStoredGrant, type StoredGrant } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import { prepared, type Db } from './open.js';
import { grants } from './schema.js';

function statusCondition(status: GrantStatus | undefined, now: number): SQL | undefined {
  if (status === 'active') return and(isNull(grants.revokedAt), gt(grants.expiresAt, now));
  if (status === 'expired') return and(isNull(grants.revokedAt), lte(grants.expiresAt, now));
  if (status === 'revoked') return isNotNull(grants.revokedAt);
  return undefined;
}

function afterCondition(after: CreatedPosition | undefined): SQL | undefined {
  return olderThan(grants.createdAt, grants.id, after && { time: after.createdAt, id: after.id });
}

const GRANT_COLUMNS = [
  'id', 'subject_id', 'grantee_account_id', 'grantee_organisation_id', 'members', 'access', 'categories', 'types', 'from_at', 'to_at', 'purpose',
  'sealed_purpose_text', 'expires_at', 'created_at', 'revoked_at', 'revoked_reason', 'request_id', 'receipt', 'revocation_receipt', 'share_name', 'integrity',
] as const;

/** The same grants as {@link reachesHolder} selects, as SQLite's prepared statement writes it. */
const ACTIVE_FOR = `SELECT ${GRANT_COLUMNS.join(', ')} FROM grants WHERE subject_id = $1 AND revoked_at IS NULL AND expires_at > $2
  AND (grantee_account_id = $3 OR (grantee_organisation_id = $4 AND (members = 'all' OR members = $5)))`;

type GrantTuple = unknown[];

function fromGrantTuple(t: GrantTuple): GrantRow {
  const r = Object.fromEntries(GRANT_COLUMNS.map((c, i) => [c.replace(/_([a-z])/g, (_, l: string) => l.toUpperCase()), t[i]]));
  return fromStoredGrant(r as unknown as StoredGrant);
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

    async find(id) {
      const [r] = await db.select().from(grants).where(eq(grants.id, id));
      return r ? fromStoredGrant(r) : undefined;
    },

    async expiringBetween(from, to, limit, after) {
      const position = after ? or(gt(grants.expiresAt, after.expiresAt), and(eq(grants.expiresAt, after.expiresAt), gt(grants.id, after.id))) : undefined;
      const rows = await db
        .select()
        .from(grants)
        .where(and(isNull(grants.revokedAt), gte(grants.expiresAt, from), lt(grants.expiresAt, to), position))
        .orderBy(asc(grants.expiresAt), asc(grants.id))
        .limit(limit);
      return rows.map(fromStoredGrant);
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
        .where(and(grantee, ne(grants.access, 'aggregate'), q.subjectId ? eq(grants.subjectId, q.subjectId) : undefined, statusCondition(q.status, q.now), afterCondition(q.after)))
        .orderBy(desc(grants.createdAt), desc(grants.id))
        .limit(q.limit);
      return rows.map(fromStoredGrant);
    },

    async aggregateFor(organisationId, kind, now) {
      const members = membersReaching(kind);
      if (members.length === 0) return [];
      const rows = await db
        .select()
        .from(grants)
        .where(and(eq(grants.granteeOrganisationId, organisationId), eq(grants.access, 'aggregate'), inArray(grants.members, members), statusCondition('active', now)))
        .orderBy(asc(grants.subjectId), asc(grants.id));
      return rows.map(fromStoredGrant);
    },

    async activeFor(subjectId, holder, now) {
      // The hot path of every supporter request: one prepared statement. A null organisation,
      // or a kind no organisation grant reaches, matches nothing: '' never equals a stored id.
      const members = membersReaching(holder.kind).find((m) => m !== 'all') ?? '';
      const organisationId = members ? (holder.organisationId ?? '') : '';
      const rows = await prepared<GrantTuple>(db.$client, 'grants_active', ACTIVE_FOR, [subjectId, now, holder.accountId, organisationId, members]);
      return rows.map(fromGrantTuple);
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
        const set = { revokedAt: now, revokedReason: 'revoked-by-subject', revocationReceipt: receipt, integrity: null };
        await tx.update(grants).set(set).where(eq(grants.id, id));
        await appendLogEntry(tx, log);
        return fromStoredGrant({ ...current, ...set });
      });
    },

    async setShareName(subjectId, id, change, log) {
      return db.transaction(async (tx) => {
        const [current] = await tx.select().from(grants).where(byId(subjectId, id)).for('update');
        if (!current) return undefined;
        // A revoked grant carries no MAC and shows no name: it is left as it is.
        if (current.revokedAt !== null) return fromStoredGrant(current);
        await tx.update(grants).set(change).where(eq(grants.id, id));
        await appendLogEntry(tx, log);
        return fromStoredGrant({ ...current, ...change });
      });
    },
  };
}
