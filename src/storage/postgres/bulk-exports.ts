import { and, asc, eq, gt, lt, ne, sql } from 'drizzle-orm';
import type { BulkExportRow, BulkExportsRepo, BulkPartRow } from '../contract.js';
import { fromBuffer, toBuffer } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db, Tx } from './open.js';
import { bulkExportParts, bulkExports } from './schema.js';

type DbExport = typeof bulkExports.$inferSelect;
type DbPart = typeof bulkExportParts.$inferSelect;

const fromDb = (r: DbExport): BulkExportRow => ({ ...r, types: JSON.parse(r.types) as string[] });
const partFromDb = (r: DbPart): BulkPartRow => ({ ...r, grantIds: JSON.parse(r.grantIds) as string[], payload: fromBuffer(r.payload) });

/** Locks the export's row for the transaction, so a cancel and a write cannot interleave. @returns whether it is running */
async function running(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.select({ status: bulkExports.status }).from(bulkExports).where(eq(bulkExports.id, id)).for('update');
  return row?.status === 'running';
}

export function bulkExportsRepo(db: Db): BulkExportsRepo {
  return {
    async create(row) {
      await db.insert(bulkExports).values({ ...row, types: JSON.stringify(row.types) });
    },

    async get(id) {
      const [row] = await db.select().from(bulkExports).where(eq(bulkExports.id, id));
      return row ? fromDb(row) : undefined;
    },

    async addParts(exportId, parts) {
      return db.transaction(async (tx) => {
        if (!(await running(tx, exportId))) return false;
        if (parts.length) await tx.insert(bulkExportParts).values(parts.map((p) => ({ ...p, grantIds: JSON.stringify(p.grantIds), payload: toBuffer(p.payload) })));
        return true;
      });
    },

    async finishPerson(exportId, log) {
      return db.transaction(async (tx) => {
        if (!(await running(tx, exportId))) return false;
        if (log) await appendLogEntry(tx, log);
        await tx
          .update(bulkExports)
          .set({ donePeople: sql`${bulkExports.donePeople} + 1` })
          .where(eq(bulkExports.id, exportId));
        return true;
      });
    },

    async finish(id, status, error, now) {
      await db
        .update(bulkExports)
        .set({ status, error, finishedAt: now })
        .where(and(eq(bulkExports.id, id), eq(bulkExports.status, 'running')));
    },

    async cancel(id, now) {
      return db.transaction(async (tx) => {
        const changed = await tx
          .update(bulkExports)
          .set({ status: 'cancelled', finishedAt: now })
          .where(and(eq(bulkExports.id, id), ne(bulkExports.status, 'cancelled')))
          .returning({ id: bulkExports.id });
        await tx.delete(bulkExportParts).where(eq(bulkExportParts.exportId, id));
        return changed.length > 0;
      });
    },

    async parts(exportId, resourceType, afterSeq, limit) {
      const rows = await db
        .select()
        .from(bulkExportParts)
        .where(and(eq(bulkExportParts.exportId, exportId), eq(bulkExportParts.resourceType, resourceType), gt(bulkExportParts.seq, afterSeq)))
        .orderBy(asc(bulkExportParts.seq))
        .limit(limit);
      return rows.map(partFromDb);
    },

    async counts(exportId) {
      return db
        .select({ resourceType: bulkExportParts.resourceType, count: sql<number>`sum(${bulkExportParts.count})::int` })
        .from(bulkExportParts)
        .where(eq(bulkExportParts.exportId, exportId))
        .groupBy(bulkExportParts.resourceType);
    },

    async expire(now) {
      const gone = await db.delete(bulkExports).where(lt(bulkExports.expiresAt, now)).returning({ id: bulkExports.id });
      return gone.length;
    },
  };
}
