import { and, eq, isNull, sql } from 'drizzle-orm';
import { ConflictError } from '../../errors.js';
import type { AccountRow, AccountsRepo, WrappedKeyRow } from '../contract.js';
import type { Db } from './open.js';
import { fromStoredAccount as fromDb, fromStoredGrant as fromDbGrant, toStoredAccount as toDb } from '../rows.js';
import { accounts, grants, sessions, subjectKeys, subjects } from './schema.js';
import { appendLogEntry } from './access-log.js';

function isUniqueViolation(e: unknown): boolean {
  return (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' || (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function accountsRepo(db: Db): AccountsRepo {
  const byHandle = db.select().from(accounts).where(eq(accounts.handle, sql.placeholder('handle'))).prepare();
  const byId = db.select().from(accounts).where(eq(accounts.id, sql.placeholder('id'))).prepare();

  const insertAccount = (a: AccountRow) => {
    try {
      db.insert(accounts).values(toDb(a)).run();
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError('That handle is already taken');
      throw e;
    }
  };

  return {
    async createCitizen(account, key: WrappedKeyRow) {
      db.transaction((tx) => {
        tx.insert(subjects).values({ id: key.subjectId, createdAt: account.createdAt }).run();
        tx.insert(subjectKeys)
          .values({ subjectId: key.subjectId, kekId: key.kekId, wrappedKey: Buffer.from(key.wrappedKey), updatedAt: account.createdAt })
          .run();
        insertAccount(account);
      });
    },
    async create(account, logs = []) {
      db.transaction(
        () => {
          insertAccount(account);
          for (const l of logs) appendLogEntry(db, l);
        },
        { behavior: 'immediate' },
      );
    },
    async findByHandle(handle) {
      return fromDb(byHandle.get({ handle }));
    },
    async findById(id) {
      return fromDb(byId.get({ id }));
    },
    async findBySubject(subjectId) {
      return fromDb(db.select().from(accounts).where(eq(accounts.subjectId, subjectId)).get());
    },
    async disable(accountId, now, logs = []) {
      return db.transaction(
        () => {
          // Disabled accounts, revoked sessions and grants keep no MAC (src/crypto/integrity.ts).
          db.update(accounts).set({ disabledAt: now, integrity: null }).where(and(eq(accounts.id, accountId), isNull(accounts.disabledAt))).run();
          db.update(sessions)
            .set({ revokedAt: now, revokedReason: 'account-disabled', integrity: null })
            .where(and(eq(sessions.accountId, accountId), isNull(sessions.revokedAt)))
            .run();
          const revoked = db
            .update(grants)
            .set({ revokedAt: now, revokedReason: 'grantee-disabled', integrity: null })
            .where(and(eq(grants.granteeAccountId, accountId), isNull(grants.revokedAt)))
            .returning()
            .all()
            .map(fromDbGrant);
          for (const l of logs) appendLogEntry(db, l);
          // Each person whose grant ended this way sees it in their own log.
          for (const g of revoked) {
            appendLogEntry(db, {
              subjectId: g.subjectId,
              at: now,
              actor: { accountId: null, organisationId: null, kind: 'system' },
              action: 'grant.revoke',
              grantIds: [g.id],
              recordIds: [],
              query: { reason: 'grantee-disabled' },
            });
          }
          return revoked;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
