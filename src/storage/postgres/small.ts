import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { AssertionsRepo, CountersRepo, IdempotencyRepo, OrganisationsRepo } from '../contract.js';
import type { Db } from './open.js';
import { assertionJtis, idempotencyKeys, organisations, rateCounters } from './schema.js';
import { sweepExpired } from './sweep.js';

export function organisationsRepo(db: Db): OrganisationsRepo {
  return {
    async create(row) {
      await db.insert(organisations).values(row);
    },
    async get(id) {
      const [row] = await db.select().from(organisations).where(eq(organisations.id, id));
      return row;
    },
    async list() {
      return db.select().from(organisations).orderBy(asc(organisations.name));
    },
  };
}

export function idempotencyRepo(db: Db): IdempotencyRepo {
  return {
    async get(accountId, key, now) {
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key), gt(idempotencyKeys.expiresAt, now)));
      return row;
    },
  };
}

export function assertionsRepo(db: Db): AssertionsRepo {
  return {
    async remember(clientId, jti, expiresAt, now) {
      // One statement, so two instances offered the same assertion at once store it once: the
      // second insert waits on the first's unique entry, then conflicts. The id is checked
      // before anything is pruned, so a replay is caught even at the very end of its window.
      const stored = await db.insert(assertionJtis).values({ clientId, jti, expiresAt }).onConflictDoNothing().returning({ jti: assertionJtis.jti });
      await sweepExpired(db, assertionJtis, assertionJtis.expiresAt, now);
      return stored.length === 1;
    },
  };
}

/**
 * Counter keys may hold any character (callers build them from handles and addresses, and use
 * U+0000 as a separator no handle can contain); PostgreSQL text cannot hold U+0000, so keys are
 * stored with it and the backslash escaped, one-to-one.
 */
const storedKey = (key: string) => key.replace(/\\/g, '\\\\').replaceAll('\u0000', '\\0');

export function countersRepo(db: Db): CountersRepo {
  return {
    async hit(keys, windowMs, now, options = {}) {
      const out = [];
      const end = now + windowMs;
      const live = sql`${rateCounters.resetAt} > ${now}`;
      for (const key of keys.map(storedKey)) {
        // Atomic per key: a live window counts one more, an ended one starts again at 1.
        const [w] = await db
          .insert(rateCounters)
          .values({ key, count: 1, resetAt: end, lastAt: now })
          .onConflictDoUpdate({
            target: rateCounters.key,
            set: {
              count: sql`CASE WHEN ${live} THEN ${rateCounters.count} + 1 ELSE 1 END`,
              resetAt: options.slide
                ? sql`CASE WHEN ${live} THEN greatest(${rateCounters.resetAt}, ${end}) ELSE ${end} END`
                : sql`CASE WHEN ${live} THEN ${rateCounters.resetAt} ELSE ${end} END`,
              lastAt: now,
            },
          })
          .returning({ count: rateCounters.count, resetAt: rateCounters.resetAt, last: rateCounters.lastAt });
        out.push(w!);
      }
      if (Math.random() < 0.01) await sweepExpired(db, rateCounters, rateCounters.resetAt, now);
      return out;
    },
    async peek(keys, now) {
      if (keys.length === 0) return [];
      const stored = keys.map(storedKey);
      const rows = await db
        .select()
        .from(rateCounters)
        .where(and(inArray(rateCounters.key, stored), gt(rateCounters.resetAt, now)));
      const byKey = new Map(rows.map((r) => [r.key, { count: r.count, resetAt: r.resetAt, last: r.lastAt }]));
      return stored.map((k) => byKey.get(k) ?? null);
    },
    async clear(key) {
      await db.delete(rateCounters).where(eq(rateCounters.key, storedKey(key)));
    },
  };
}
