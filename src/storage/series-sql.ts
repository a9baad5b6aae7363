import { queryPredicate } from '../core/slice.js';
import type { RecordQuery, Scope, SeriesChunkRow } from './contract.js';
import { fromBuffer } from './rows.js';
import { predicateText, type TextTarget } from './slice-sql.js';

/**
 * The series chunks' read query, as text both adapters run (docs/performance.md "Dense
 * series"): the grant-slice predicate compiled for rows that span a day (a bound selects a
 * chunk with any reading on its side), then (day, id) keyset order like the records' list.
 */

/** Columns of `series_chunks` in the order the statements use. */
export const SERIES_COLUMNS =
  'id, subject_id, category, type, day, first_at, last_at, count, source_kind, source_account_id, source_organisation_id, created_at, updated_at, revision, payload';

export type SeriesTuple = [string, string, string, string, number, number, number, number, SeriesChunkRow['sourceKind'], string, string | null, number, number, number, Buffer];

export function seriesFromTuple(r: SeriesTuple): SeriesChunkRow {
  return {
    id: r[0],
    subjectId: r[1],
    category: r[2],
    type: r[3],
    day: Number(r[4]),
    firstAt: Number(r[5]),
    lastAt: Number(r[6]),
    count: r[7],
    sourceKind: r[8],
    sourceAccountId: r[9],
    sourceOrganisationId: r[10],
    createdAt: Number(r[11]),
    updatedAt: Number(r[12]),
    revision: r[13],
    payload: fromBuffer(r[14]),
  };
}

/** The predicate's target for chunks: category and type as records have them, bounds on the span. */
export function seriesTarget(param: (v: unknown) => string): TextTarget {
  return { columns: { category: 'category', type: 'type', effectiveAt: 'day' }, param, span: { day: 'day', first: 'first_at', last: 'last_at' } };
}

/**
 * @param param how the dialect writes the next parameter (it also collects the value)
 * @returns the list statement's text; its shape depends only on the scope's and query's shape
 */
export function seriesListText(scope: Scope, q: RecordQuery, param: (v: unknown) => string): string {
  const where = [`subject_id = ${param(scope.subjectId)}`, predicateText(queryPredicate(scope, q), seriesTarget(param))];
  const asc = q.order === 'asc';
  if (q.after) {
    const cmp = asc ? '>' : '<';
    where.push(`(day ${cmp} ${param(q.after.effectiveAt)} OR (day = ${param(q.after.effectiveAt)} AND id ${cmp} ${param(q.after.id)}))`);
  }
  const order = asc ? 'day ASC, id ASC' : 'day DESC, id DESC';
  return `SELECT ${SERIES_COLUMNS} FROM series_chunks WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${param(q.limit)}`;
}
