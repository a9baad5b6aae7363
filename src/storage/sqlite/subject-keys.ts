import { and, eq, ne, sql } from 'drizzle-orm';
import type { KeysRepo } from '../contract.js';
import type { Db } from './open.js';
import { subjectKeys, webhooks } from './schema.js';

export function keysRepo(db: Db): KeysRepo {
  const wrapped = db.select().from(subjectKeys).where(eq(subjectKeys.subjectId, sql.placeholder('id'))).prepare();
  const toRow = (r: typeof subjectKeys.$inferSelect) => ({ subjectId: r.subjectId, kekId: r.kekId, wrappedKey: new Uint8Array(r.wrappedKey) });
  return {
    async getWrapped(subjectId) {
      const row = wrapped.get({ id: subjectId });
      return row ? toRow(row) : undefined;
    },

    async staleWrapped(currentKekId, limit) {
      return db.select().from(subjectKeys).where(ne(subjectKeys.kekId, currentKekId)).limit(limit).all().map(toRow);
    },

    async rewrap(rows, now) {
      return db.transaction(
        () => {
          let changed = 0;
          for (const { from, to } of rows) {
            changed += db
              .update(subjectKeys)
              .set({ kekId: to.kekId, wrappedKey: Buffer.from(to.wrappedKey), updatedAt: now })
              .where(and(eq(subjectKeys.subjectId, from.subjectId), eq(subjectKeys.kekId, from.kekId)))
              .run().changes;
          }
          return changed;
        },
        { behavior: 'immediate' },
      );
    },

    async kekIdsInUse() {
      const fromKeys = db.selectDistinct({ id: subjectKeys.kekId }).from(subjectKeys).all();
      const fromHooks = db.selectDistinct({ id: webhooks.kekId }).from(webhooks).all();
      // Row MACs name their KEK before the first dot of `kekId.mac`.
      const fromMacs = db.$client
        .prepare(
          `SELECT DISTINCT substr(integrity, 1, instr(integrity, '.') - 1) AS id FROM (
             SELECT integrity FROM accounts UNION ALL SELECT integrity FROM sessions UNION ALL SELECT integrity FROM grants UNION ALL SELECT integrity FROM delegations
           ) WHERE integrity IS NOT NULL`,
        )
        .all() as { id: string }[];
      return [...new Set([...fromKeys, ...fromHooks, ...fromMacs].map((r) => r.id))];
    },
  };
}
