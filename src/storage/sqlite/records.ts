import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { RecordQuery, RecordRow, RecordsRepo, Scope, Slice } from '../contract.js';
import type { Db } from './open.js';
import { records } from './schema.js';

/** SQL for one slice; an empty scope matches nothing (deny by default). */
function sliceCondition(s: Slice): SQL {
  const parts: SQL[] = [];
  if (s.categories) parts.push(inArray(records.category, s.categories));
  if (s.types) parts.push(inArray(records.type, s.types));
  if (s.from !== null) parts.push(gte(records.effectiveAt, s.from));
  if (s.to !== null) parts.push(lte(records.effectiveAt, s.to));
  return parts.length ? and(...parts)! : sql`1 = 1`;
}

function scopeCondition(scope: Scope): SQL {
  if (scope.slices.length === 0) return sql`0 = 1`;
  const subject = eq(records.subjectId, scope.subjectId);
  const slices = scope.slices.map(sliceCondition);
  return and(subject, slices.length === 1 ? slices[0] : or(...slices))!;
}

export function recordsRepo(db: Db): RecordsRepo {
  const remove = db
    .delete(records)
    .where(and(eq(records.subjectId, sql.placeholder('subjectId')), eq(records.id, sql.placeholder('id'))))
    .prepare();

  return {
    async insert(rows) {
      db.transaction((tx) => {
        for (const r of rows) tx.insert(records).values(toDb(r)).run();
      });
    },

    async list(scope, q: RecordQuery) {
      const where: SQL[] = [scopeCondition(scope)];
      if (q.categories) where.push(inArray(records.category, q.categories));
      if (q.types) where.push(inArray(records.type, q.types));
      if (q.from !== undefined) where.push(gte(records.effectiveAt, q.from));
      if (q.to !== undefined) where.push(lte(records.effectiveAt, q.to));
      if (q.after) {
        where.push(
          or(lt(records.effectiveAt, q.after.effectiveAt), and(eq(records.effectiveAt, q.after.effectiveAt), lt(records.id, q.after.id)))!,
        );
      }
      const rows = db
        .select()
        .from(records)
        .where(and(...where))
        .orderBy(desc(records.effectiveAt), desc(records.id))
        .limit(q.limit)
        .all();
      return rows.map(fromDb);
    },

    async get(scope, id) {
      const row = db
        .select()
        .from(records)
        .where(and(scopeCondition(scope), eq(records.id, id)))
        .get();
      return row ? fromDb(row) : undefined;
    },

    async delete(subjectId, id) {
      return remove.run({ subjectId, id }).changes > 0;
    },
  };
}

type DbRecord = typeof records.$inferSelect;

function toDb(r: RecordRow): DbRecord {
  return { ...r, payload: Buffer.from(r.payload) };
}

function fromDb(r: DbRecord): RecordRow {
  return { ...r, payload: new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength) };
}
