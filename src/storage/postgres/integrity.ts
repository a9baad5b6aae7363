import { and, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { DelegationRow, IntegrityRepo } from '../contract.js';
import { fromStoredAccount, fromStoredGrant } from '../rows.js';
import type { Db } from './open.js';
import { accounts, delegations, grants, integrityBackfill, sessions } from './schema.js';

/** A MAC not made under `kekId` (or, with `missing`, no MAC at all). */
function staleMac(column: PgColumn, kekId: string, missing: boolean): SQL {
  const other = sql`(${column} IS NOT NULL AND left(${column}, ${kekId.length + 1}) <> ${`${kekId}.`})`;
  return missing ? or(isNull(column), other)! : other;
}

export function integrityRepo(db: Db): IntegrityRepo {
  return {
    async stale(kekId, now, limit, missing) {
      const [a, s, g, d] = await Promise.all([
        db.select().from(accounts).where(and(isNull(accounts.disabledAt), staleMac(accounts.integrity, kekId, missing))).limit(limit),
        db.select().from(sessions).where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now), staleMac(sessions.integrity, kekId, missing))).limit(limit),
        db.select().from(grants).where(and(isNull(grants.revokedAt), gt(grants.expiresAt, now), staleMac(grants.integrity, kekId, missing))).limit(limit),
        db.select().from(delegations).where(and(isNull(delegations.revokedAt), gt(delegations.expiresAt, now), staleMac(delegations.integrity, kekId, missing))).limit(limit),
      ]);
      return {
        accounts: a.map((r) => fromStoredAccount(r)!),
        sessions: s,
        grants: g.map(fromStoredGrant),
        delegations: d.map((r) => ({ ...r, powers: JSON.parse(r.powers) as DelegationRow['powers'] })),
      };
    },

    async replace(moves) {
      const tables = { accounts, sessions, grants, delegations };
      return db.transaction(async (tx) => {
        let changed = 0;
        for (const m of moves) {
          const t = tables[m.table];
          // Only if still `from`: a row revoked or re-made meanwhile is left alone.
          const still = m.from === null ? isNull(t.integrity) : sql`${t.integrity} = ${m.from}`;
          changed += (await tx.update(t).set({ integrity: m.to }).where(and(sql`${t.id} = ${m.id}`, still)).returning({ id: t.id })).length;
        }
        return changed;
      });
    },

    async backfilled() {
      return (await db.select().from(integrityBackfill).limit(1)).length > 0;
    },

    async markBackfilled(now) {
      await db.insert(integrityBackfill).values({ at: now });
    },
  };
}
