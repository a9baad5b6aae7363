import { and, eq, gt } from 'drizzle-orm';
import type { IdempotencyRepo } from '../contract.js';
import type { Db } from './open.js';
import { idempotencyKeys } from './schema.js';

export function idempotencyRepo(db: Db): IdempotencyRepo {
  return {
    async get(accountId, key, now) {
      return db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.expiresAt, now)))
        .get();
    },
  };
}
