import { and, desc, eq } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { CreatedPosition, ReferralRow, ReferralsRepo } from '../contract.js';
import { toStoredGrant } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db, Tx } from './open.js';
import { grants, referrals } from './schema.js';

type DbReferral = typeof referrals.$inferSelect;

const toDb = (r: ReferralRow): DbReferral => ({
  ...r,
  categories: JSON.stringify(r.categories),
  types: r.types ? JSON.stringify(r.types) : null,
  sealedNote: r.sealedNote ? Buffer.from(r.sealedNote) : null,
});

const fromDb = (r: DbReferral): ReferralRow => ({
  ...r,
  categories: JSON.parse(r.categories) as string[],
  types: r.types ? (JSON.parse(r.types) as string[]) : null,
  sealedNote: r.sealedNote ? new Uint8Array(r.sealedNote) : null,
});

const before = (after: CreatedPosition | undefined) => olderThan(referrals.createdAt, referrals.id, after && { time: after.createdAt, id: after.id });

/** Only a pending referral may be decided; a concurrent decision waits on the row, then finds it decided. */
async function decide(tx: Tx, r: ReferralRow, set: Partial<DbReferral>): Promise<boolean> {
  const changed = await tx
    .update(referrals)
    .set(set)
    .where(and(eq(referrals.id, r.id), eq(referrals.status, 'pending')))
    .returning({ id: referrals.id });
  return changed.length === 1;
}

export function referralsRepo(db: Db): ReferralsRepo {
  return {
    async create(row, log) {
      await db.transaction(async (tx) => {
        await tx.insert(referrals).values(toDb(row));
        await appendLogEntry(tx, log);
      });
    },

    async get(subjectId, id) {
      const [r] = await db.select().from(referrals).where(and(eq(referrals.subjectId, subjectId), eq(referrals.id, id)));
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      const rows = await db
        .select()
        .from(referrals)
        .where(and(eq(referrals.subjectId, subjectId), q.status ? eq(referrals.status, q.status) : undefined, before(q.after)))
        .orderBy(desc(referrals.createdAt), desc(referrals.id))
        .limit(q.limit);
      return rows.map(fromDb);
    },

    async listForReferrer(accountId, q) {
      const rows = await db
        .select()
        .from(referrals)
        .where(and(eq(referrals.referrerAccountId, accountId), before(q.after)))
        .orderBy(desc(referrals.createdAt), desc(referrals.id))
        .limit(q.limit);
      return rows.map(fromDb);
    },

    async approve(r, grant, log) {
      return db.transaction(async (tx) => {
        if (!(await decide(tx, r, { status: 'approved', decidedAt: grant.createdAt, grantId: grant.id }))) return 'not-pending' as const;
        await tx.insert(grants).values(toStoredGrant(grant));
        await appendLogEntry(tx, log);
        return 'approved' as const;
      });
    },

    async deny(r, now, log) {
      return db.transaction(async (tx) => {
        if (!(await decide(tx, r, { status: 'denied', decidedAt: now }))) return 'not-pending' as const;
        await appendLogEntry(tx, log);
        return 'denied' as const;
      });
    },
  };
}
