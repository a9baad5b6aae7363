import { eq, sql } from 'drizzle-orm';
import { ConflictError } from '../../errors.js';
import type { AccountRow, AccountsRepo, WrappedKeyRow } from '../contract.js';
import type { Db } from './open.js';
import { accounts, subjectKeys, subjects } from './schema.js';

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
    async create(account) {
      insertAccount(account);
    },
    async findByHandle(handle) {
      return fromDb(byHandle.get({ handle }));
    },
    async findById(id) {
      return fromDb(byId.get({ id }));
    },
  };
}

type DbAccount = typeof accounts.$inferSelect;

function toDb(a: AccountRow): DbAccount {
  return { ...a, sealedDisplayName: a.sealedDisplayName ? Buffer.from(a.sealedDisplayName) : null };
}

export function fromDb(row: DbAccount | undefined): AccountRow | undefined {
  return row ? { ...row, sealedDisplayName: row.sealedDisplayName ? new Uint8Array(row.sealedDisplayName) : null } : undefined;
}
