import type Database from 'better-sqlite3';
import { scopePredicate } from '../../core/slice.js';
import type { RecordQuery, Scope, SeriesChunkRow, SeriesRepo } from '../contract.js';
import { SERIES_COLUMNS, seriesFromTuple, seriesListText, seriesTarget, type SeriesTuple } from '../series-sql.js';
import { predicateText } from '../slice-sql.js';
import { toBuffer } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { statementCache } from './statements.js';

/** Statements per connection: prepared once, as the records' are (records.ts). */
const writes = new WeakMap<Database.Database, { insert: Database.Statement<unknown[]>; update: Database.Statement<unknown[]> }>();

/**
 * Stores an import's chunks; call inside its transaction.
 * @returns false when a chunk was created or merged by another import since it was read
 */
export function storeChunks(db: Db, chunks: SeriesChunkRow[]): boolean {
  let s = writes.get(db.$client);
  if (!s) {
    s = {
      insert: db.$client.prepare(`INSERT INTO series_chunks (${SERIES_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
      update: db.$client.prepare(
        'UPDATE series_chunks SET first_at = ?, last_at = ?, count = ?, source_kind = ?, source_organisation_id = ?, updated_at = ?, revision = ?, payload = ? WHERE id = ? AND subject_id = ? AND revision = ?',
      ),
    };
    writes.set(db.$client, s);
  }
  for (const c of chunks) {
    const payload = toBuffer(c.payload);
    const changes =
      c.revision === 0
        ? s.insert.run(c.id, c.subjectId, c.category, c.type, c.day, c.firstAt, c.lastAt, c.count, c.sourceKind, c.sourceAccountId, c.sourceOrganisationId, c.createdAt, c.updatedAt, c.revision, payload).changes
        : s.update.run(c.firstAt, c.lastAt, c.count, c.sourceKind, c.sourceOrganisationId, c.updatedAt, c.revision, payload, c.id, c.subjectId, c.revision - 1).changes;
    if (changes === 0) return false;
  }
  return true;
}

export function seriesRepo(db: Db): SeriesRepo {
  const statement = statementCache(db.$client);
  const ofWriter = db.$client
    .prepare(
      `SELECT ${SERIES_COLUMNS} FROM series_chunks WHERE subject_id = ? AND source_account_id = ? AND type IN (SELECT value FROM json_each(?)) AND day IN (SELECT value FROM json_each(?))`,
    )
    .raw(true);
  const subjectOf = db.$client.prepare('SELECT subject_id FROM series_chunks WHERE id = ?');
  const remove = db.$client.prepare('DELETE FROM series_chunks WHERE subject_id = ? AND id = ?');
  const param = (params: unknown[]) => (v: unknown) => {
    params.push(v);
    return '?';
  };

  return {
    async ofWriter(subjectId, sourceAccountId, days) {
      if (days.length === 0) return [];
      const types = JSON.stringify([...new Set(days.map((d) => d.type))]);
      const dayList = JSON.stringify([...new Set(days.map((d) => d.day))]);
      const wanted = new Set(days.map((d) => `${d.category}\u0000${d.type}\u0000${d.day}`));
      return (ofWriter.all(subjectId, sourceAccountId, types, dayList) as SeriesTuple[])
        .map(seriesFromTuple)
        .filter((r) => wanted.has(`${r.category}\u0000${r.type}\u0000${r.day}`));
    },

    async list(scope: Scope, q: RecordQuery) {
      const params: unknown[] = [];
      const text = seriesListText(scope, q, param(params));
      return (statement(text).all(...params) as SeriesTuple[]).map(seriesFromTuple);
    },

    async get(scope, id) {
      const params: unknown[] = [scope.subjectId, id];
      const where = predicateText(scopePredicate(scope), seriesTarget(param(params)));
      const row = statement(`SELECT ${SERIES_COLUMNS} FROM series_chunks WHERE subject_id = ? AND id = ? AND ${where}`).get(...params) as SeriesTuple | undefined;
      return row ? seriesFromTuple(row) : undefined;
    },

    async subjectOf(id) {
      return (subjectOf.get(id) as { subject_id: string } | undefined)?.subject_id;
    },

    async delete(subjectId, id, log) {
      return db.transaction(
        () => {
          if (remove.run(subjectId, id).changes === 0) return false;
          appendLogEntry(db, log);
          return true;
        },
        { behavior: 'immediate' },
      );
    },
  };
}
