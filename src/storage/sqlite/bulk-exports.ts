import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { BulkExportRow, BulkExportsRepo, BulkPartRow } from '../contract.js';
import { appendLogEntry, groupCommit } from './access-log.js';
import type { Db } from './open.js';
import { bulkExportParts, bulkExports } from './schema.js';

type DbExport = typeof bulkExports.$inferSelect;
type DbPart = typeof bulkExportParts.$inferSelect;

function fromDb(r: DbExport): BulkExportRow {
  return { ...r, types: JSON.parse(r.types) as string[] };
}

function partFromDb(r: DbPart): BulkPartRow {
  return { ...r, grantIds: JSON.parse(r.grantIds) as string[], payload: new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength) };
}

export function bulkExportsRepo(db: Db): BulkExportsRepo {
  const commits = groupCommit(db);
  const running = (id: string) => db.select({ status: bulkExports.status }).from(bulkExports).where(eq(bulkExports.id, id)).get()?.status === 'running';
  return {
    async create(row) {
      db.insert(bulkExports)
        .values({ ...row, types: JSON.stringify(row.types) })
        .run();
    },

    async get(id) {
      const row = db.select().from(bulkExports).where(eq(bulkExports.id, id)).get();
      return row ? fromDb(row) : undefined;
    },

    async addParts(exportId, parts) {
      return commits.run(() => {
        if (!running(exportId)) return false;
        for (const p of parts) {
          db.insert(bulkExportParts)
            .values({ ...p, grantIds: JSON.stringify(p.grantIds), payload: Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength) })
            .run();
        }
        return true;
      });
    },

    async finishPerson(exportId, log) {
      return commits.run(() => {
        if (!running(exportId)) return false;
        if (log) appendLogEntry(db, log);
        db.update(bulkExports)
          .set({ donePeople: sql`${bulkExports.donePeople} + 1` })
          .where(eq(bulkExports.id, exportId))
          .run();
        return true;
      });
    },

    async finish(id, status, error, now) {
      db.update(bulkExports)
        .set({ status, error, finishedAt: now })
        .where(and(eq(bulkExports.id, id), eq(bulkExports.status, 'running')))
        .run();
    },

    async cancel(id, now) {
      return db.transaction(
        () => {
          const changed = db
            .update(bulkExports)
            .set({ status: 'cancelled', finishedAt: now })
            .where(and(eq(bulkExports.id, id), sql`${bulkExports.status} <> 'cancelled'`))
            .run().changes;
          db.delete(bulkExportParts).where(eq(bulkExportParts.exportId, id)).run();
          return changed > 0;
        },
        { behavior: 'immediate' },
      );
    },

    async parts(exportId, resourceType, afterSeq, limit) {
      return db
        .select()
        .from(bulkExportParts)
        .where(and(eq(bulkExportParts.exportId, exportId), eq(bulkExportParts.resourceType, resourceType), gt(bulkExportParts.seq, afterSeq)))
        .orderBy(asc(bulkExportParts.seq))
        .limit(limit)
        .all()
        .map(partFromDb);
    },

    async counts(exportId) {
      return db
        .select({ resourceType: bulkExportParts.resourceType, count: sql<number>`sum(${bulkExportParts.count})` })
        .from(bulkExportParts)
        .where(eq(bulkExportParts.exportId, exportId))
        .groupBy(bulkExportParts.resourceType)
        .all();
    },

    async expire(now) {
      return db.delete(bulkExports).where(lt(bulkExports.expiresAt, now)).run().changes;
    },
  };
}
