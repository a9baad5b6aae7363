import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DelegationRow, DelegationsRepo } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { delegations } from './schema.js';

type DbDelegation = typeof delegations.$inferSelect;

const fromDb = (r: DbDelegation): DelegationRow => ({ ...r, powers: JSON.parse(r.powers) as DelegationRow['powers'] });

export function delegationsRepo(db: Db): DelegationsRepo {
  return {
    async create(row, log) {
      db.transaction(
        () => {
          db.insert(delegations)
            .values({ ...row, powers: JSON.stringify(row.powers) })
            .run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async get(id) {
      const r = db.select().from(delegations).where(eq(delegations.id, id)).get();
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId) {
      return db.select().from(delegations).where(eq(delegations.subjectId, subjectId)).orderBy(desc(delegations.createdAt), desc(delegations.id)).all().map(fromDb);
    },

    async activeForDelegate(accountId, now) {
      return db
        .select()
        .from(delegations)
        .where(and(eq(delegations.delegateAccountId, accountId), isNull(delegations.revokedAt), gt(delegations.expiresAt, now)))
        .orderBy(desc(delegations.createdAt), desc(delegations.id))
        .all()
        .map(fromDb);
    },

    async revoke(subjectId, id, now, receipt, log) {
      return db.transaction(
        () => {
          const current = db.select().from(delegations).where(and(eq(delegations.subjectId, subjectId), eq(delegations.id, id))).get();
          if (!current) return undefined;
          if (current.revokedAt !== null) return fromDb(current);
          // A revoked delegation keeps no MAC (src/crypto/integrity.ts).
          db.update(delegations).set({ revokedAt: now, revocationReceipt: receipt, integrity: null }).where(eq(delegations.id, id)).run();
          appendLogEntry(db, log);
          return fromDb({ ...current, revokedAt: now, revocationReceipt: receipt, integrity: null });
        },
        { behavior: 'immediate' },
      );
    },
  };
}
