import { and, eq, isNull } from 'drizzle-orm';
import { ConflictError } from '../../errors.js';
import type { AccountRow, AccountsRepo } from '../contract.js';
import { fromStoredAccount, fromStoredGrant, toBuffer, toStoredAccount } from '../rows.js';
import { appendLogEntries } from './access-log.js';
import type { Db, Q } from './open.js';
import { accounts, grants, sessions, subjectKeys, subjects } from './schema.js';

/** PostgreSQL's unique_violation (SQLSTATE 23505). */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.code === '23505' || err.cause?.code === '23505';
}

async function insertAccount(q: Q, a: AccountRow): Promise<void> {
  try {
    await q.insert(accounts).values(toStoredAccount(a));
  } catch (e) {
    if (isUniqueViolation(e)) throw new ConflictError('That handle is already taken');
    throw e;
  }
}

export function accountsRepo(db: Db): AccountsRepo {
  return {
    async createCitizen(account, key) {
      await db.transaction(async (tx) => {
        await tx.insert(subjects).values({ id: key.subjectId, createdAt: account.createdAt });
        await tx.insert(subjectKeys).values({ subjectId: key.subjectId, kekId: key.kekId, wrappedKey: toBuffer(key.wrappedKey), updatedAt: account.createdAt });
        await insertAccount(tx, account);
      });
    },
    async create(account, logs = []) {
      await db.transaction(async (tx) => {
        await insertAccount(tx, account);
        await appendLogEntries(tx, logs);
      });
    },
    async findByHandle(handle) {
      const [row] = await db.select().from(accounts).where(eq(accounts.handle, handle));
      return fromStoredAccount(row);
    },
    async findBySubject(subjectId) {
      const [row] = await db.select().from(accounts).where(eq(accounts.subjectId, subjectId));
      return fromStoredAccount(row);
    },
    async findById(id) {
      const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
      return fromStoredAccount(row);
    },
    async disable(accountId, now, logs = []) {
      return db.transaction(async (tx) => {
        // Disabled accounts, revoked sessions and grants keep no MAC (src/crypto/integrity.ts).
        await tx.update(accounts).set({ disabledAt: now, integrity: null }).where(and(eq(accounts.id, accountId), isNull(accounts.disabledAt)));
        await tx
          .update(sessions)
          .set({ revokedAt: now, revokedReason: 'account-disabled', integrity: null })
          .where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)));
        const revoked = (
          await tx
            .update(grants)
            .set({ revokedAt: now, revokedReason: 'grantee-disabled', integrity: null })
            .where(and(eq(grants.granteeAccountId, accountId), isNull(grants.revokedAt)))
            .returning()
        ).map(fromStoredGrant);
        // Each person whose grant ended this way sees it in their own log.
        await appendLogEntries(tx, [
          ...logs,
          ...revoked.map((g) => ({
            subjectId: g.subjectId,
            at: now,
            actor: { accountId: null, organisationId: null, kind: 'system' },
            action: 'grant.revoke',
            grantIds: [g.id],
            recordIds: [],
            query: { reason: 'grantee-disabled' },
          })),
        ]);
        return revoked;
      });
    },
  };
}
