import type { Deps } from '../../core/deps.js';
import { momentsOf, type Predicate } from '../../core/slice.js';
import { iso } from '../../core/time.js';
import { openSeries } from '../../crypto/envelope.js';
import type { SeriesChunkRow } from '../../storage/contract.js';
import type { RecordView } from '../records/schemas.js';
import { decodeReadings, type OpenedReadings } from './codec.js';

/** @returns a chunk's readings, opened with the person's data key; @throws IntegrityError */
export function openChunk(dek: Uint8Array, row: SeriesChunkRow): OpenedReadings {
  return decodeReadings(row.day, openSeries(dek, row, row.payload));
}

/** @returns the first index whose moment is at or after `t` (readings are in time order) */
function firstAtOrAfter(at: Float64Array, t: number): number {
  let [lo, hi] = [0, at.length];
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A chunk as a read answers it: one item holding the readings the predicate selects (the read's
 * slices and filters), judged by each reading's own moment, so a grant's window cuts inside a
 * day. The moments the predicate selects for this category and type are worked out once
 * (`momentsOf`, the same answers as `matches` reading by reading).
 * @returns the view, or undefined when none of its readings is selected
 */
export function seriesView(row: SeriesChunkRow, readings: OpenedReadings, predicate: Predicate): RecordView | undefined {
  const { at } = readings;
  const ranges: [number, number][] = [];
  let n = 0;
  for (const [from, to] of momentsOf(predicate, row)) {
    const a = firstAtOrAfter(at, from);
    const b = to === Infinity ? at.length : firstAtOrAfter(at, to + 1);
    if (a < b) {
      ranges.push([a, b]);
      n += b - a;
    }
  }
  if (n === 0) return undefined;
  const start = at[ranges[0]![0]]!;
  const last = ranges[ranges.length - 1]!;
  const end = at[last[1] - 1]!;
  const offsets = new Array<number>(n);
  const values = new Array<number>(n);
  let k = 0;
  for (const [a, b] of ranges) {
    for (let i = a; i < b; i++, k++) {
      offsets[k] = (at[i]! - start) / 1000;
      values[k] = readings.values[i]!;
    }
  }
  return {
    id: row.id,
    subjectId: row.subjectId,
    category: row.category,
    type: row.type,
    effectiveAt: iso(start),
    createdAt: iso(row.createdAt),
    source: { kind: row.sourceKind, accountId: row.sourceAccountId, organisationId: row.sourceOrganisationId },
    unit: readings.unit,
    series: { start: iso(start), end: iso(end), count: n, offsets, values },
  };
}

/** @returns the views of chunks (undefined where the predicate selects none of a chunk's readings) */
export async function openSeriesRows(deps: Deps, subjectId: string, rows: SeriesChunkRow[], predicate: Predicate): Promise<(RecordView | undefined)[]> {
  if (rows.length === 0) return [];
  const dek = await deps.dataKeys.forSubject(subjectId);
  return rows.map((r) => seriesView(r, openChunk(dek, r), predicate));
}
