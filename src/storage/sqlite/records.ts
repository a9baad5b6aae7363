import { and, desc, eq, inArray, lt, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { queryPredicate, scopePredicate } from '../../core/slice.js';
import type { RecordQuery, RecordRow, RecordsRepo, Scope } from '../contract.js';
import { predicateSql, predicateText } from '../slice-sql.js';
import { appendLogEntry, groupCommit } from './access-log.js';
import { applyEffects } from './effects.js';
import type Database from 'better-sqlite3';
import type { Db } from './open.js';
import { idempotencyKeys, records } from './schema.js';
import { fromStoredRecord as fromDb } from '../rows.js';
import { statementCache } from './statements.js';

const sliceColumns = { category: records.category, type: records.type, effectiveAt: records.effectiveAt };

function scopeCondition(scope: Scope): SQL {
  return and(eq(records.subjectId, scope.subjectId), predicateSql(scopePredicate(scope), sliceColumns))!;
}

/** Columns of `records` in the order the prepared statements below use. */
const COLUMNS =
  'id, subject_id, category, type, effective_at, created_at, source_kind, source_account_id, source_organisation_id, schema_version, payload';

/** A row of the list query in {@link COLUMNS} order (the statement returns arrays). */
type RecordTuple = [string, string, string, string, number, number, RecordRow['sourceKind'], string, string | null, number, Buffer];

function fromTuple(r: RecordTuple): RecordRow {
  const payload = r[10];
  return {
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
    payload: new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
  };
}

/**
 * The list query as SQL text and parameters. The text depends only on the shape of the scope
 * and query (how many slices, codes and bounds), so its prepared statement is reused.
 */
function listSql(scope: Scope, q: RecordQuery): { text: string; params: unknown[] } {
  const params: unknown[] = [scope.subjectId];
  const param = (v: unknown) => {
    params.push(v);
    return '?';
  };
  const where = ['subject_id = ?', predicateText(queryPredicate(scope, q), { columns: TEXT_COLUMNS, param })];
  const asc = q.order === 'asc';
  if (q.after) {
    const [cmp, e, i] = [asc ? '>' : '<', param(q.after.effectiveAt), param(q.after.effectiveAt)];
    where.push(`(effective_at ${cmp} ${e} OR (effective_at = ${i} AND id ${cmp} ${param(q.after.id)}))`);
  }
  if (q.hideEnteredInError) {
    where.push(`id NOT IN (SELECT record_id FROM disputes WHERE subject_id = ? AND status = 'entered-in-error')`);
    params.push(scope.subjectId);
  }
  params.push(q.limit);
  const order = asc ? 'effective_at ASC, id ASC' : 'effective_at DESC, id DESC';
  return { text: `SELECT ${COLUMNS} FROM records WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ?`, params };
}

/** Prepared once per connection: drizzle's builder cost more per row than SQLite's insert itself. */
const inserts = new WeakMap<Database.Database, Database.Statement<unknown[]>>();

/** Inserts record rows; call inside the write's transaction. */
export function insertRecordRows(db: Db, rows: RecordRow[]): void {
  let insertOne = inserts.get(db.$client);
  if (!insertOne) {
    insertOne = db.$client.prepare(`INSERT INTO records (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    inserts.set(db.$client, insertOne);
  }
  for (const r of rows) {
    insertOne.run(
      r.id,
      r.subjectId,
      r.category,
      r.type,
      r.effectiveAt,
      r.createdAt,
      r.sourceKind,
      r.sourceAccountId,
      r.sourceOrganisationId,
      r.schemaVersion,
      Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength),
    );
  }
}

const TEXT_COLUMNS = { category: 'category', type: 'type', effectiveAt: 'effective_at' };

export function recordsRepo(db: Db): RecordsRepo {
  const remove = db
    .delete(records)
    .where(and(eq(records.subjectId, sql.placeholder('subjectId')), eq(records.id, sql.placeholder('id'))))
    .prepare();
  const commits = groupCommit(db);
  const subjectOfRecord = db.$client.prepare('SELECT subject_id FROM records WHERE id = ?');
  const insertRows = (rows: RecordRow[]) => insertRecordRows(db, rows);
  const listStatement = statementCache(db.$client);

  return {
    async insert(rows, effects) {
      await commits.run(() => {
        insertRows(rows);
        applyEffects(db, effects);
      });
    },

    async latestBefore(scope, type, effectiveAt, excludeIds) {
      const row = db
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
        .limit(1)
        .get();
      return row ? fromDb(row) : undefined;
    },

    async append(rows, log, idem, effects) {
      // Concurrent appends share one commit (and one fsync); each is still all or nothing.
      return commits.run(
        () => {
          if (idem) {
            // Keys older than their 24 h go first, so a late retry starts afresh.
            db.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, idem.createdAt)).run();
            const existing = db
              .select()
              .from(idempotencyKeys)
              .where(and(eq(idempotencyKeys.accountId, idem.accountId), eq(idempotencyKeys.key, idem.key)))
              .get();
            if (existing) return { stored: false as const, existing };
            db.insert(idempotencyKeys).values(idem).run();
          }
          insertRows(rows);
          appendLogEntry(db, log);
          applyEffects(db, effects);
          return { stored: true as const };
        },
      );
    },

    async summarise(scope) {
      return db
        .select({
          category: records.category,
          type: records.type,
          n: sql<number>`count(*)`,
          first: sql<number>`min(${records.effectiveAt})`,
          last: sql<number>`max(${records.effectiveAt})`,
        })
        .from(records)
        .where(scopeCondition(scope))
        .groupBy(records.category, records.type)
        .all();
    },

    async getMany(subjectId, ids) {
      if (ids.length === 0) return [];
      return db
        .select()
        .from(records)
        .where(and(eq(records.subjectId, subjectId), inArray(records.id, ids)))
        .all()
        .map(fromDb);
    },

    async list(scope, q: RecordQuery) {
      const { text, params } = listSql(scope, q);
      return (listStatement(text).all(...params) as RecordTuple[]).map(fromTuple);
    },

    async get(scope, id) {
      const row = db
        .select()
        .from(records)
        .where(and(scopeCondition(scope), eq(records.id, id)))
        .get();
      return row ? fromDb(row) : undefined;
    },

    async subjectOf(id) {
      return (subjectOfRecord.get(id) as { subject_id: string } | undefined)?.subject_id;
    },

    async delete(subjectId, id, log) {
      return db.transaction(
        () => {
          if (remove.run({ subjectId, id }).changes === 0) return false;
          appendLogEntry(db, log);
          return true;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
