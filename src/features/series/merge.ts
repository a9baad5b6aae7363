import type { Deps } from '../../core/deps.js';
import { sealSeries } from '../../crypto/envelope.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import type { RecordRow, SeriesChunkRow, SeriesDay } from '../../storage/contract.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { ComposedRecord } from '../records/compose.js';
import { dayOf, encodeReadings } from './codec.js';
import type { ComposedSeries } from './compose.js';
import { openChunk } from './view.js';

/*
 * Imports of dense measures (docs/performance.md "Dense series"): a reading goes into its
 * writer's chunk for that day and type, merged with what the chunk already holds. A reading the
 * chunk holds already (same second, same value) is skipped, as an imported record's digest
 * would be; one that cannot go in (a fraction of a second, or a second the chunk holds with
 * another value) stays an ordinary record, so nothing imported is lost or rounded.
 */

/** @returns whether a checked record can be a series reading: a dense type's bare value */
export function isSeriesReading(catalogue: Catalogue, c: ComposedRecord): boolean {
  if (catalogue.type(c.type)?.measure?.series !== true || typeof c.content.value !== 'number') return false;
  for (const key in c.content) {
    if (key === 'value' || key === 'unit') continue;
    // A unit spelled another way for the same scale (`{beats}/min`) changes nothing stored.
    if (key === 'entered' && c.content.entered?.value === c.content.value) continue;
    return false;
  }
  return true;
}

/** Readings as one-reading series, each keeping its record (for readings that stay records). */
export function asSeries(records: ComposedRecord[]): ComposedSeries[] {
  return records.map((c) => ({ category: c.category, type: c.type, unit: c.content.unit!, at: [c.effectiveAt], values: [c.content.value!], records: [c] }));
}

/** The new readings of one chunk, for watches. */
export interface FreshReadings {
  chunk: SeriesChunkRow;
  at: number[];
  values: number[];
}

export interface Merged {
  /** Chunks to store: new ones (revision 0) and merged ones (their revision + 1). */
  chunks: SeriesChunkRow[];
  added: number;
  /** Readings the writer's chunks held already. */
  skipped: number;
  /** Readings that stay ordinary records. */
  rest: ComposedRecord[];
  fresh: FreshReadings[];
}

type Source = Pick<RecordRow, 'sourceKind' | 'sourceAccountId' | 'sourceOrganisationId'>;

const EMPTY = new Uint8Array(0);

/** A reading that stays an ordinary record, as the records service would have composed it. */
function reading(category: string, type: string, effectiveAt: number, value: number, unit: string): ComposedRecord {
  return { category, type, effectiveAt, content: { value, unit } };
}

function keyOf(d: SeriesDay): string {
  return `${d.category}\u0000${d.type}\u0000${d.day}`;
}

/** One day's readings of one type and category, gathered from every series of the import. */
interface Group {
  day: SeriesDay;
  unit: string;
  at: number[];
  values: number[];
  records: (ComposedRecord | undefined)[];
}

/** Merges readings into the writer's chunks (not yet stored). */
export async function mergeSeries(deps: Deps, subjectId: string, source: Source, series: ComposedSeries[]): Promise<Merged> {
  const out: Merged = { chunks: [], added: 0, skipped: 0, rest: [], fresh: [] };
  const groups = new Map<string, Group>();
  for (const s of series) {
    let g: Group | undefined;
    for (let i = 0; i < s.at.length; i++) {
      const at = s.at[i]!;
      // Chunks hold whole seconds; anything finer is kept exactly, as a record.
      if (at % 1000 !== 0) {
        out.rest.push(s.records?.[i] ?? reading(s.category, s.type, at, s.values[i]!, s.unit));
        continue;
      }
      const day = dayOf(at);
      if (!g || g.day.day !== day) {
        const d = { category: s.category, type: s.type, day };
        const key = keyOf(d);
        g = groups.get(key);
        if (!g) groups.set(key, (g = { day: d, unit: s.unit, at: [], values: [], records: [] }));
      }
      g.at.push(at);
      g.values.push(s.values[i]!);
      g.records.push(s.records?.[i]);
    }
  }
  if (groups.size === 0) return out;
  const now = deps.clock.now();
  const dek = await deps.dataKeys.forSubject(subjectId);
  const existing = new Map((await deps.storage.series.ofWriter(subjectId, source.sourceAccountId, [...groups.values()].map((g) => g.day))).map((r) => [keyOf(r), r]));
  for (const [key, g] of groups) {
    const before = existing.get(key);
    const held = new Map<number, number>();
    let unit = g.unit;
    if (before) {
      const opened = openChunk(dek, before);
      unit = opened.unit;
      for (let i = 0; i < opened.at.length; i++) held.set(opened.at[i]!, opened.values[i]!);
    }
    const fresh = { at: [] as number[], values: [] as number[] };
    // The same account writing in another capacity (a practitioner now in another organisation)
    // does not join its old chunk, which would re-attribute what it holds: records instead.
    const sameWriter = !before || (before.sourceKind === source.sourceKind && before.sourceOrganisationId === source.sourceOrganisationId);
    for (let i = 0; i < g.at.length; i++) {
      const [at, value] = [g.at[i]!, g.values[i]!];
      const v = held.get(at);
      if (v === undefined && g.unit === unit && sameWriter) {
        held.set(at, value);
        fresh.at.push(at);
        fresh.values.push(value);
      } else if (v === value) out.skipped++;
      else out.rest.push(g.records[i] ?? reading(g.day.category, g.day.type, at, value, g.unit));
    }
    if (fresh.at.length === 0) continue;
    const at = [...held.keys()].sort((a, b) => a - b);
    const row: SeriesChunkRow = {
      id: before?.id ?? timeOrderedId(now),
      subjectId,
      category: g.day.category,
      type: g.day.type,
      day: g.day.day,
      firstAt: at[0]!,
      lastAt: at[at.length - 1]!,
      count: at.length,
      ...source,
      createdAt: before?.createdAt ?? now,
      updatedAt: now,
      revision: before ? before.revision + 1 : 0,
      payload: EMPTY,
    };
    row.payload = sealSeries(dek, row, encodeReadings(row.day, { unit, at, values: at.map((t) => held.get(t)!) }));
    out.chunks.push(row);
    out.fresh.push({ chunk: row, ...fresh });
    out.added += fresh.at.length;
  }
  return out;
}
