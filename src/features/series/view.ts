import type { Deps } from '../../core/deps.js';
import { matches, type Predicate } from '../../core/slice.js';
import { iso } from '../../core/time.js';
import { openSeries } from '../../crypto/envelope.js';
import type { SeriesChunkRow } from '../../storage/contract.js';
import type { RecordView } from '../records/schemas.js';
import { decodeReadings, type Readings } from './codec.js';

/** @returns a chunk's readings, opened with the person's data key; @throws IntegrityError */
export function openChunk(dek: Uint8Array, row: SeriesChunkRow): Readings {
  return decodeReadings(row.day, openSeries(dek, row, row.payload));
}

/**
 * A chunk as a read answers it: one item holding the readings the predicate selects (the read's
 * slices and filters), each judged by its own moment, so a grant's window cuts inside a day.
 * @returns the view, or undefined when none of its readings is selected
 */
export function seriesView(row: SeriesChunkRow, readings: Readings, predicate: Predicate): RecordView | undefined {
  const offsets: number[] = [];
  const values: number[] = [];
  let start = NaN;
  let end = NaN;
  const fields = { category: row.category, type: row.type, effectiveAt: 0 };
  for (let i = 0; i < readings.at.length; i++) {
    fields.effectiveAt = readings.at[i]!;
    if (!matches(predicate, fields)) continue;
    if (offsets.length === 0) start = fields.effectiveAt;
    end = fields.effectiveAt;
    offsets.push((fields.effectiveAt - start) / 1000);
    values.push(readings.values[i]!);
  }
  if (offsets.length === 0) return undefined;
  return {
    id: row.id,
    subjectId: row.subjectId,
    category: row.category,
    type: row.type,
    effectiveAt: iso(start),
    createdAt: iso(row.createdAt),
    source: { kind: row.sourceKind, accountId: row.sourceAccountId, organisationId: row.sourceOrganisationId },
    unit: readings.unit,
    series: { start: iso(start), end: iso(end), count: offsets.length, offsets, values },
  };
}

/** @returns the views of chunks (undefined where the predicate selects none of a chunk's readings) */
export async function openSeriesRows(deps: Deps, subjectId: string, rows: SeriesChunkRow[], predicate: Predicate): Promise<(RecordView | undefined)[]> {
  if (rows.length === 0) return [];
  const dek = await deps.dataKeys.forSubject(subjectId);
  return rows.map((r) => seriesView(r, openChunk(dek, r), predicate));
}
