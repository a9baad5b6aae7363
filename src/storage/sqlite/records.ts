import { and, desc, eq, gte, inArray, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { RecordQuery, RecordRow, RecordsRepo, Scope, Slice } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import { applyEffects } from './effects.js';
import type { Db } from './open.js';
import { idempotencyKeys, records } from './schema.js';

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
    async insert(rows, effects) {
      db.transaction(
        (tx) => {
          for (const r of rows) tx.insert(records).values(toDb(r)).run();
          applyEffects(db, effects);
        },
        { behavior: 'immediate' },
      );
    },

    async latestBefore(subjectId, type, effectiveAt, excludeIds) {
      const row = db
        .select()
        .from(records)
        .where(
          and(
            eq(records.subjectId, subjectId),
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
      return db.transaction(
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
          for (const r of rows) db.insert(records).values(toDb(r)).run();
          appendLogEntry(db, log);
          applyEffects(db, effects);
          return { stored: true as const };
        },
        { behavior: 'immediate' },
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

type DbRecord = typeof records.$inferSelect;

function toDb(r: RecordRow): DbRecord {
  return { ...r, payload: Buffer.from(r.payload) };
}

function fromDb(r: DbRecord): RecordRow {
  return { ...r, payload: new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength) };
}
