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
      await db.transaction(async (tx) => {
        await tx.insert(delegations).values({ ...row, powers: JSON.stringify(row.powers) });
        await appendLogEntry(tx, log);
      });
    },

    async get(id) {
      const [r] = await db.select().from(delegations).where(eq(delegations.id, id));
      return r ? fromDb(r) : undefined;
    },

    async listForSubject(subjectId) {
      const rows = await db.select().from(delegations).where(eq(delegations.subjectId, subjectId)).orderBy(desc(delegations.createdAt), desc(delegations.id));
      return rows.map(fromDb);
    },

    async activeForDelegate(accountId, now) {
      const rows = await db
        .select()
        .from(delegations)
        .where(and(eq(delegations.delegateAccountId, accountId), isNull(delegations.revokedAt), gt(delegations.expiresAt, now)))
        .orderBy(desc(delegations.createdAt), desc(delegations.id));
      return rows.map(fromDb);
    },

    async revoke(subjectId, id, now, receipt, log) {
      return db.transaction(async (tx) => {
        // Locked, so a second revocation on another instance waits and then sees this one.
        const [current] = await tx.select().from(delegations).where(and(eq(delegations.subjectId, subjectId), eq(delegations.id, id))).for('update');
        if (!current) return undefined;
        if (current.revokedAt !== null) return fromDb(current);
        // A revoked delegation keeps no MAC (src/crypto/integrity.ts).
        await tx.update(delegations).set({ revokedAt: now, revocationReceipt: receipt, integrity: null }).where(eq(delegations.id, id));
        await appendLogEntry(tx, log);
        return fromDb({ ...current, revokedAt: now, revocationReceipt: receipt, integrity: null });
      });
    },
  };
}
