import { and, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { DelegationRow, IntegrityRepo } from '../contract.js';
import { fromStoredAccount as fromDbAccount, fromStoredGrant as fromDbGrant } from '../rows.js';
import type { Db } from './open.js';
import { accounts, delegations, grants, integrityBackfill, sessions } from './schema.js';

/** A MAC not made under `kekId` (or, with `missing`, no MAC at all). */
function staleMac(column: SQLiteColumn, kekId: string, missing: boolean): SQL {
  const other = sql`(${column} IS NOT NULL AND substr(${column}, 1, ${kekId.length + 1}) <> ${`${kekId}.`})`;
  return missing ? or(isNull(column), other)! : other;
}

export function integrityRepo(db: Db): IntegrityRepo {
  return {
    async stale(kekId, now, limit, missing) {
      return {
        accounts: db
          .select()
          .from(accounts)
          .where(and(isNull(accounts.disabledAt), staleMac(accounts.integrity, kekId, missing)))
          .limit(limit)
          .all()
          .map((a) => fromDbAccount(a)!),
        sessions: db
          .select()
          .from(sessions)
          .where(and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now), staleMac(sessions.integrity, kekId, missing)))
          .limit(limit)
          .all(),
        grants: db
          .select()
          .from(grants)
          .where(and(isNull(grants.revokedAt), gt(grants.expiresAt, now), staleMac(grants.integrity, kekId, missing)))
          .limit(limit)
          .all()
          .map(fromDbGrant),
        delegations: db
          .select()
          .from(delegations)
          .where(and(isNull(delegations.revokedAt), gt(delegations.expiresAt, now), staleMac(delegations.integrity, kekId, missing)))
          .limit(limit)
          .all()
          .map((d) => ({ ...d, powers: JSON.parse(d.powers) as DelegationRow['powers'] })),
      };
    },

    async replace(moves) {
      const tables = { accounts, sessions, grants, delegations };
      return db.transaction(
        () => {
          let changed = 0;
          for (const m of moves) {
            const t = tables[m.table];
            const still = m.from === null ? isNull(t.integrity) : sql`${t.integrity} = ${m.from}`;
            changed += db.update(t).set({ integrity: m.to }).where(and(sql`${t.id} = ${m.id}`, still)).run().changes;
          }
          return changed;
        },
        { behavior: 'immediate' },
      );
    },

    async backfilled() {
      return db.select().from(integrityBackfill).limit(1).get() !== undefined;
    },

    async markBackfilled(now) {
      db.insert(integrityBackfill).values({ at: now }).run();
    },
  };
}
