import { and, eq } from 'drizzle-orm';
import { scopePredicate } from '../../core/slice.js';
import type { SeriesChunkRow, SeriesRepo } from '../contract.js';
import { toBuffer } from '../rows.js';
import { SERIES_COLUMNS, seriesFromTuple, seriesListText, seriesTarget, type SeriesTuple } from '../series-sql.js';
import { predicateText } from '../slice-sql.js';
import { appendLogEntry } from './access-log.js';
import { int8Types, type Db, type Tx } from './open.js';
import { seriesChunks } from './schema.js';

/**
 * Stores an import's chunks inside its transaction: a new one only if no import created it
 * first (the writer-day unique index), a merged one only over the revision it was read at.
 * @returns false when another import got there first
 */
export async function storeChunks(tx: Tx, chunks: SeriesChunkRow[]): Promise<boolean> {
  for (const c of chunks) {
    const payload = toBuffer(c.payload);
    const done =
      c.revision === 0
        ? await tx.insert(seriesChunks).values({ ...c, payload }).onConflictDoNothing().returning({ id: seriesChunks.id })
        : await tx
            .update(seriesChunks)
            .set({ firstAt: c.firstAt, lastAt: c.lastAt, count: c.count, sourceKind: c.sourceKind, sourceOrganisationId: c.sourceOrganisationId, updatedAt: c.updatedAt, revision: c.revision, payload })
            .where(and(eq(seriesChunks.id, c.id), eq(seriesChunks.subjectId, c.subjectId), eq(seriesChunks.revision, c.revision - 1)))
            .returning({ id: seriesChunks.id });
    if (done.length === 0) return false;
  }
  return true;
}

export function seriesRepo(db: Db): SeriesRepo {
  const run = async (text: string, values: unknown[]) =>
    (await db.$client.query<SeriesTuple>({ text, values, rowMode: 'array', types: int8Types })).rows.map(seriesFromTuple);
  const dollar = (params: unknown[]) => (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };

  return {
    async ofWriter(subjectId, sourceAccountId, days) {
      if (days.length === 0) return [];
      const types = [...new Set(days.map((d) => d.type))];
      const dayList = [...new Set(days.map((d) => d.day))];
      const wanted = new Set(days.map((d) => `${d.category}\u0000${d.type}\u0000${d.day}`));
      const rows = await run(
        `SELECT ${SERIES_COLUMNS} FROM series_chunks WHERE subject_id = $1 AND source_account_id = $2 AND type = ANY($3) AND day = ANY($4::bigint[])`,
        [subjectId, sourceAccountId, types, dayList],
      );
      return rows.filter((r) => wanted.has(`${r.category}\u0000${r.type}\u0000${r.day}`));
    },

    async list(scope, q) {
      const params: unknown[] = [];
      const text = seriesListText(scope, q, dollar(params));
      return run(text, params);
    },

    async get(scope, id) {
      const params: unknown[] = [scope.subjectId, id];
      const where = predicateText(scopePredicate(scope), seriesTarget(dollar(params)));
      const [row] = await run(`SELECT ${SERIES_COLUMNS} FROM series_chunks WHERE subject_id = $1 AND id = $2 AND ${where}`, params);
      return row;
    },

    async subjectOf(id) {
      const r = await db.$client.query<[string]>({ text: 'SELECT subject_id FROM series_chunks WHERE id = $1', values: [id], rowMode: 'array' });
      return r.rows[0]?.[0];
    },

    async delete(subjectId, id, log) {
      return db.transaction(async (tx) => {
        const gone = await tx
          .delete(seriesChunks)
          .where(and(eq(seriesChunks.subjectId, subjectId), eq(seriesChunks.id, id)))
          .returning({ id: seriesChunks.id });
        if (gone.length === 0) return false;
        await appendLogEntry(tx, log);
        return true;
      });
    },
  };
}
