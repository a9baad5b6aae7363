import { and, desc, eq } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { CreatedPosition, ReferralRow, ReferralsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import { toStoredGrant as toDbGrant } from '../rows.js';
import type { Db } from './open.js';
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

export function referralsRepo(db: Db): ReferralsRepo {
  // Only a pending referral may be decided; the update's WHERE makes that atomic.
  const decide = (r: ReferralRow, set: Partial<DbReferral>) =>
    db
      .update(referrals)
      .set(set)
      .where(and(eq(referrals.id, r.id), eq(referrals.status, 'pending')))
      .run().changes === 1;
  return {
    async create(row, log) {
      db.transaction(
        () => {
          db.insert(referrals).values(toDb(row)).run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async get(subjectId, id) {
      const r = db.select().from(referrals).where(and(eq(referrals.subjectId, subjectId), eq(referrals.id, id))).get();
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId, q) {
      return db
        .select()
        .from(referrals)
        .where(and(eq(referrals.subjectId, subjectId), q.status ? eq(referrals.status, q.status) : undefined, before(q.after)))
        .orderBy(desc(referrals.createdAt), desc(referrals.id))
        .limit(q.limit)
        .all()
        .map(fromDb);
    },

    async listForReferrer(accountId, q) {
      return db
        .select()
        .from(referrals)
        .where(and(eq(referrals.referrerAccountId, accountId), before(q.after)))
        .orderBy(desc(referrals.createdAt), desc(referrals.id))
        .limit(q.limit)
        .all()
        .map(fromDb);
    },

    async approve(r, grant, log) {
      return db.transaction(
        () => {
          if (!decide(r, { status: 'approved', decidedAt: grant.createdAt, grantId: grant.id })) return 'not-pending' as const;
          db.insert(grants).values(toDbGrant(grant)).run();
          appendLogEntry(db, log);
          return 'approved' as const;
        },
        { behavior: 'immediate' },
      );
    },

    async deny(r, now, log) {
      return db.transaction(
        () => {
          if (!decide(r, { status: 'denied', decidedAt: now })) return 'not-pending' as const;
          appendLogEntry(db, log);
          return 'denied' as const;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
