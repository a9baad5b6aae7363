import { and, desc, eq } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import { ConflictError } from '../../errors.js';
import type { DisputesRepo } from '../contract.js';
import { DISPUTE_COLUMNS, disputeFromTuple, fromStoredDispute, latestPerRecord, type DisputeTuple } from '../rows.js';
import { isUniqueViolation } from './accounts.js';
import { appendLogEntry } from './access-log.js';
import { prepared, type Db } from './open.js';
import { insertRows } from './records.js';
import { disputes } from './schema.js';


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
      return r ? fromStoredDispute(r) : undefined;
    },

    async forRecords(subjectId, recordIds) {
      if (recordIds.length === 0) return [];
      // A named statement, the ids bound as one array: every page of records a read answers asks this.
      const rows = await prepared<DisputeTuple>(
        db.$client,
        'disputes_for_records',
        `SELECT ${DISPUTE_COLUMNS} FROM disputes WHERE subject_id = $1 AND record_id = ANY($2::text[]) ORDER BY created_at DESC, id DESC`,
        [subjectId, recordIds],
      );
      return latestPerRecord(rows.map(disputeFromTuple));
    },

    async listForWriter(organisationId, accountId, q) {
      const writer = organisationId ? eq(disputes.writerOrganisationId, organisationId) : eq(disputes.writerAccountId, accountId);
      const before = olderThan(disputes.createdAt, disputes.id, q.after && { time: q.after.createdAt, id: q.after.id });
      const rows = await db
        .select()
        .from(disputes)
        .where(and(writer, q.status ? eq(disputes.status, q.status) : undefined, before))
        .orderBy(desc(disputes.createdAt), desc(disputes.id))
        .limit(q.limit);
      return rows.map(fromStoredDispute);
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
