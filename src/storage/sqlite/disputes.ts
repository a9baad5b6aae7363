import { and, desc, eq } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import { ConflictError } from '../../errors.js';
import type { DisputesRepo } from '../contract.js';
import { DISPUTE_COLUMNS, disputeFromTuple, fromStoredDispute, latestPerRecord, type DisputeTuple } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { insertRecordRows } from './records.js';
import { disputes } from './schema.js';


export function disputesRepo(db: Db): DisputesRepo {
  const anyFor = db.$client.prepare('SELECT 1 FROM disputes WHERE subject_id = ? LIMIT 1').pluck();
  const forRecordsIn = db.$client
    .prepare(`SELECT ${DISPUTE_COLUMNS} FROM disputes WHERE subject_id = ? AND record_id IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC`)
    .raw(true);
  return {
    async create(row, log) {
      db.transaction(
        () => {
          const open = db
            .select({ id: disputes.id })
            .from(disputes)
            .where(and(eq(disputes.subjectId, row.subjectId), eq(disputes.recordId, row.recordId), eq(disputes.status, 'open')))
            .get();
          if (open) throw new ConflictError('This record already has an open dispute');
          db.insert(disputes)
            .values({ ...row, sealedStatement: Buffer.from(row.sealedStatement), sealedNote: null })
            .run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async get(id) {
      const r = db.select().from(disputes).where(eq(disputes.id, id)).get();
      return r ? fromStoredDispute(r) : undefined;
    },

    async forRecords(subjectId, recordIds) {
      if (recordIds.length === 0) return [];
      // Most people dispute nothing: one index probe answers for them, before the 50-id lookup.
      if (anyFor.get(subjectId) === undefined) return [];
      // Prepared once, the ids bound as one JSON array: every page of records a read answers asks this.
      return latestPerRecord((forRecordsIn.all(subjectId, JSON.stringify(recordIds)) as DisputeTuple[]).map(disputeFromTuple));
    },

    async listForWriter(organisationId, accountId, q) {
      const writer = organisationId ? eq(disputes.writerOrganisationId, organisationId) : eq(disputes.writerAccountId, accountId);
      const before = olderThan(disputes.createdAt, disputes.id, q.after && { time: q.after.createdAt, id: q.after.id });
      return db
        .select()
        .from(disputes)
        .where(and(writer, q.status ? eq(disputes.status, q.status) : undefined, before))
        .orderBy(desc(disputes.createdAt), desc(disputes.id))
        .limit(q.limit)
        .all()
        .map(fromStoredDispute);
    },

    async resolve(d, o, log) {
      return db.transaction(
        () => {
          const changed = db
            .update(disputes)
            .set({
              status: o.status,
              resolvedAt: o.resolvedAt,
              resolvedByAccountId: o.resolvedByAccountId,
              sealedNote: o.sealedNote ? Buffer.from(o.sealedNote) : null,
              replacementRecordId: o.replacement?.id ?? null,
            })
            .where(and(eq(disputes.id, d.id), eq(disputes.status, 'open')))
            .run().changes;
          if (changed === 0) return 'not-open' as const;
          if (o.replacement) insertRecordRows(db, [o.replacement]);
          appendLogEntry(db, log);
          return 'resolved' as const;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
