import { and, desc, eq, inArray, lt, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { queryPredicate, scopePredicate } from '../../core/slice.js';
import type { RecordRow, RecordsRepo, Scope } from '../contract.js';
import { fromBuffer, fromStoredRecord, toBuffer } from '../rows.js';
import { predicateSql, predicateText } from '../slice-sql.js';
import { appendLogEntry } from './access-log.js';
import { applyEffects } from './effects.js';
import { int8Types, prepared, type Db, type Tx } from './open.js';
import { sweepExpired } from './sweep.js';
import { idempotencyKeys, records } from './schema.js';

const sliceColumns = { category: records.category, type: records.type, effectiveAt: records.effectiveAt };

function scopeCondition(scope: Scope): SQL {
  return and(eq(records.subjectId, scope.subjectId), predicateSql(scopePredicate(scope), sliceColumns))!;
}

const toStored = (r: RecordRow) => ({ ...r, payload: toBuffer(r.payload) });

const RECORD_COLUMNS = 'id, subject_id, category, type, effective_at, created_at, source_kind, source_account_id, source_organisation_id, schema_version, payload';
const TEXT_COLUMNS = { category: 'category', type: 'type', effectiveAt: 'effective_at' };
type RecordTuple = [string, string, string, string, number, number, RecordRow['sourceKind'], string, string | null, number, Buffer];

const fromTuple = (r: RecordTuple): RecordRow => ({
  id: r[0],
  subjectId: r[1],
  category: r[2],
  type: r[3],
  effectiveAt: r[4],
  createdAt: r[5],
  sourceKind: r[6],
  sourceAccountId: r[7],
  sourceOrganisationId: r[8],
  schemaVersion: r[9],
  payload: fromBuffer(r[10]),
});

export async function insertRows(tx: Tx, rows: RecordRow[]): Promise<void> {
  // One statement per 500 rows keeps the bind parameters far below PostgreSQL's 65,535.
  for (let i = 0; i < rows.length; i += 500) await tx.insert(records).values(rows.slice(i, i + 500).map(toStored));
}

export function recordsRepo(db: Db): RecordsRepo {
  return {
    async insert(rows, effects) {
      await db.transaction(async (tx) => {
        await insertRows(tx, rows);
        await applyEffects(tx, effects);
      });
    },

    async latestBefore(scope, type, effectiveAt, excludeIds) {
      const [row] = await db
        .select()
        .from(records)
        .where(
          and(
            scopeCondition(scope),
            eq(records.type, type),
            lte(records.effectiveAt, effectiveAt),
            excludeIds.length ? notInArray(records.id, excludeIds) : undefined,
          ),
        )
        .orderBy(desc(records.effectiveAt), desc(records.id))
        .limit(1);
      return row ? fromStoredRecord(row) : undefined;
    },

    async append(rows, log, idem, effects) {
      return db.transaction(async (tx) => {
        if (idem) {
          // Keys older than their 24 h go first, so a late retry starts afresh.
          await sweepExpired(tx, idempotencyKeys, idempotencyKeys.expiresAt, idem.createdAt);
          await tx.delete(idempotencyKeys).where(and(eq(idempotencyKeys.accountId, idem.accountId), eq(idempotencyKeys.key, idem.key), lt(idempotencyKeys.expiresAt, idem.createdAt)));
          // A concurrent request with the same key waits here on the unique index until the
          // first commits, then finds its row: one stored answer per key, across instances.
          const inserted = await tx.insert(idempotencyKeys).values(idem).onConflictDoNothing().returning({ key: idempotencyKeys.key });
          if (inserted.length === 0) {
            const [existing] = await tx
              .select()
              .from(idempotencyKeys)
              .where(and(eq(idempotencyKeys.accountId, idem.accountId), eq(idempotencyKeys.key, idem.key)));
            return { stored: false as const, existing: existing! };
          }
        }
        await insertRows(tx, rows);
        await appendLogEntry(tx, log);
        await applyEffects(tx, effects);
        return { stored: true as const };
      });
    },

    async summarise(scope) {
      const rows = await db
        .select({
          category: records.category,
          type: records.type,
          n: sql<string>`count(*)`,
          first: sql<string>`min(${records.effectiveAt})`,
          last: sql<string>`max(${records.effectiveAt})`,
        })
        .from(records)
        .where(scopeCondition(scope))
        .groupBy(records.category, records.type);
      // Aggregates of bigint come back as text; they are exact below 2^53.
      return rows.map((r) => ({ category: r.category, type: r.type, n: Number(r.n), first: Number(r.first), last: Number(r.last) }));
    },

    async getMany(subjectId, ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .select()
        .from(records)
        .where(and(eq(records.subjectId, subjectId), inArray(records.id, ids)));
      return rows.map(fromStoredRecord);
    },

    async list(scope, q) {
      // The read path's query as text with its parameters, rows as arrays: the builder cost more
      // than the query. Unnamed, so attacker-chosen shapes leave nothing prepared behind.
      const params: unknown[] = [scope.subjectId];
      const param = (v: unknown) => {
        params.push(v);
        return `$${params.length}`;
      };
      const where = ['subject_id = $1', predicateText(queryPredicate(scope, q), { columns: TEXT_COLUMNS, param })];
      const asc = q.order === 'asc';
      const cmp = asc ? '>' : '<';
      if (q.after) where.push(`(effective_at ${cmp} ${param(q.after.effectiveAt)} OR (effective_at = ${param(q.after.effectiveAt)} AND id ${cmp} ${param(q.after.id)}))`);
      // Supporters' reads leave out what the writer resolved as entered in error (docs/care-team.md).
      if (q.hideEnteredInError) where.push(`id NOT IN (SELECT record_id FROM disputes WHERE subject_id = $1 AND status = 'entered-in-error')`);
      const order = asc ? 'effective_at ASC, id ASC' : 'effective_at DESC, id DESC';
      const text = `SELECT ${RECORD_COLUMNS} FROM records WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(q.limit)}`;
      const rows = await db.$client.query<RecordTuple>({ text, values: params, rowMode: 'array', types: int8Types });
      return rows.rows.map(fromTuple);
    },

    async get(scope, id) {
      const [row] = await db
        .select()
        .from(records)
        .where(and(scopeCondition(scope), eq(records.id, id)));
      return row ? fromStoredRecord(row) : undefined;
    },

    async subjectOf(id) {
      const [row] = await prepared<[string]>(db.$client, 'record_subject', 'SELECT subject_id FROM records WHERE id = $1', [id]);
      return row?.[0];
    },

    async delete(subjectId, id, log) {
      return db.transaction(async (tx) => {
        const gone = await tx
          .delete(records)
          .where(and(eq(records.subjectId, subjectId), eq(records.id, id)))
          .returning({ id: records.id });
        if (gone.length === 0) return false;
        await appendLogEntry(tx, log);
        return true;
      });
    },
  };
}
