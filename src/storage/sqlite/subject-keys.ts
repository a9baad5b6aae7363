import { eq, sql } from 'drizzle-orm';
import type { KeysRepo } from '../contract.js';
import type { Db } from './open.js';
import { subjectKeys } from './schema.js';

export function keysRepo(db: Db): KeysRepo {
  const wrapped = db.select().from(subjectKeys).where(eq(subjectKeys.subjectId, sql.placeholder('id'))).prepare();
  return {
    async getWrapped(subjectId) {
      const row = wrapped.get({ id: subjectId });
      return row ? { subjectId: row.subjectId, kekId: row.kekId, wrappedKey: new Uint8Array(row.wrappedKey) } : undefined;
    },
  };
}
