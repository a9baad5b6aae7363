import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { ConflictError } from '../../errors.js';
import type { DisputeRow, DisputesRepo } from '../contract.js';
import { isUniqueViolation } from './accounts.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { insertRows } from './records.js';
import { disputes } from './schema.js';

type DbDispute = typeof disputes.$inferSelect;

const fromDb = (r: DbDispute): DisputeRow => ({
  ...r,
  sealedStatement: new Uint8Array(r.sealedStatement),
  sealedNote: r.sealedNote ? new Uint8Array(r.sealedNote) : null,
});

export function disputesRepo(db: Db): DisputesRepo {
  return {
    async create(row, log) {
      try {
        await db.transaction(async (tx) => {
          // The partial unique index disputes_open_record keeps one open dispute per record.
          await tx.insert(disputes).values({ ...row, sealedStatement: Buffer.from(row.sealedStatement), sealedNote: null });
          await appendLogEntry(tx, log);
        });
      } catch (e) {
        if (isUniqueViolation(e)) throw new ConflictError('This record already has an open dispute');
        throw e;
      }
    },

    async get(id) {
      const [r] = await db.select().from(disputes).where(eq(disputes.id, id));
      return r ? fromDb(r) : undefined;
    },

    async forRecords(subjectId, recordIds) {
      if (recordIds.length === 0) return [];
      const rows = await db
        .select()
        .from(disputes)
        .where(and(eq(disputes.subjectId, subjectId), inArray(disputes.recordId, recordIds)))
        .orderBy(desc(disputes.createdAt), desc(disputes.id));
      // The latest dispute of each record speaks for it.
      const seen = new Set<string>();
      return rows.filter((r) => !seen.has(r.recordId) && seen.add(r.recordId)).map(fromDb);
    },

    async listForWriter(organisationId, accountId, q) {
      const writer = organisationId ? eq(disputes.writerOrganisationId, organisationId) : eq(disputes.writerAccountId, accountId);
      const before = q.after ? or(lt(disputes.createdAt, q.after.createdAt), and(eq(disputes.createdAt, q.after.createdAt), lt(disputes.id, q.after.id))) : undefined;
      const rows = await db
        .select()
        .from(disputes)
        .where(and(writer, q.status ? eq(disputes.status, q.status) : undefined, before))
        .orderBy(desc(disputes.createdAt), desc(disputes.id))
        .limit(q.limit);
      return rows.map(fromDb);
    },

    async resolve(d, o, log) {
      return db.transaction(async (tx) => {
        // Only an open dispute is resolved; a concurrent resolution waits on the row, then finds it resolved.
        const changed = await tx
          .update(disputes)
          .set({
            status: o.status,
            resolvedAt: o.resolvedAt,
            resolvedByAccountId: o.resolvedByAccountId,
            sealedNote: o.sealedNote ? Buffer.from(o.sealedNote) : null,
            replacementRecordId: o.replacement?.id ?? null,
          })
          .where(and(eq(disputes.id, d.id), eq(disputes.status, 'open')))
          .returning({ id: disputes.id });
        if (changed.length === 0) return 'not-open' as const;
        if (o.replacement) await insertRows(tx, [o.replacement]);
        await appendLogEntry(tx, log);
        return 'resolved' as const;
      });
    },
  };
}
