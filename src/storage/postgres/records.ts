import { and, desc, eq, inArray, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { queryPredicate, scopePredicate } from '../../core/slice.js';
import type { RecordRow, RecordsRepo, Scope } from '../contract.js';
import { fromStoredRecord, toBuffer } from '../rows.js';
import { predicateSql } from '../slice-sql.js';
import { appendLogEntry } from './access-log.js';
import { applyEffects } from './effects.js';
import type { Db, Tx } from './open.js';
import { sweepExpired } from './sweep.js';
import { idempotencyKeys, records } from './schema.js';

const sliceColumns = { category: records.category, type: records.type, effectiveAt: records.effectiveAt };

function scopeCondition(scope: Scope): SQL {
  return and(eq(records.subjectId, scope.subjectId), predicateSql(scopePredicate(scope), sliceColumns))!;
}

const toStored = (r: RecordRow) => ({ ...r, payload: toBuffer(r.payload) });

async function insertRows(tx: Tx, rows: RecordRow[]): Promise<void> {
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
      const after = q.after ? or(lt(records.effectiveAt, q.after.effectiveAt), and(eq(records.effectiveAt, q.after.effectiveAt), lt(records.id, q.after.id))) : undefined;
      const rows = await db
        .select()
        .from(records)
        .where(and(eq(records.subjectId, scope.subjectId), predicateSql(queryPredicate(scope, q), sliceColumns), after))
        .orderBy(desc(records.effectiveAt), desc(records.id))
        .limit(q.limit);
      return rows.map(fromStoredRecord);
    },

    async get(scope, id) {
      const [row] = await db
        .select()
        .from(records)
        .where(and(scopeCondition(scope), eq(records.id, id)));
      return row ? fromStoredRecord(row) : undefined;
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
