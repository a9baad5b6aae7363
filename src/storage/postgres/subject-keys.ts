import { and, eq, ne } from 'drizzle-orm';
import type { KeysRepo, WrappedKeyRow } from '../contract.js';
import { toBuffer } from '../rows.js';
import { prepared, type Db } from './open.js';
import { subjectKeys, webhooks } from './schema.js';

const toRow = (r: typeof subjectKeys.$inferSelect): WrappedKeyRow => ({ subjectId: r.subjectId, kekId: r.kekId, wrappedKey: new Uint8Array(r.wrappedKey) });

export function keysRepo(db: Db): KeysRepo {
  return {
    async getWrapped(subjectId) {
      const [row] = await db.select().from(subjectKeys).where(eq(subjectKeys.subjectId, subjectId));
      return row ? toRow(row) : undefined;
    },

    async staleWrapped(currentKekId, limit) {
      const rows = await db.select().from(subjectKeys).where(ne(subjectKeys.kekId, currentKekId)).limit(limit);
      return rows.map(toRow);
    },

    async rewrap(rows, now) {
      return db.transaction(async (tx) => {
        let changed = 0;
        for (const { from, to } of rows) {
          // Conditional on the old wrapping: a row re-wrapped or erased meanwhile is left alone.
          const done = await tx
            .update(subjectKeys)
            .set({ kekId: to.kekId, wrappedKey: toBuffer(to.wrappedKey), updatedAt: now })
            .where(and(eq(subjectKeys.subjectId, from.subjectId), eq(subjectKeys.kekId, from.kekId)))
            .returning({ id: subjectKeys.subjectId });
          changed += done.length;
        }
        return changed;
      });
    },

    async kekIdsInUse() {
      const fromKeys = await db.selectDistinct({ id: subjectKeys.kekId }).from(subjectKeys);
      const fromHooks = await db.selectDistinct({ id: webhooks.kekId }).from(webhooks);
      // Row MACs name their KEK before the first dot of `kekId.mac`.
      const fromMacs = await prepared<[string]>(
        db.$client,
        'mac_keks',
        `SELECT DISTINCT split_part(integrity, '.', 1) FROM (
           SELECT integrity FROM accounts UNION ALL SELECT integrity FROM sessions UNION ALL SELECT integrity FROM grants UNION ALL SELECT integrity FROM delegations
         ) m WHERE integrity IS NOT NULL`,
        [],
      );
      return [...new Set([...fromKeys, ...fromHooks].map((r) => r.id).concat(fromMacs.map((r) => r[0])))];
    },
  };
}
