import type { Deps } from '../../core/deps.js';
import { sealSeries } from '../../crypto/envelope.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import type { RecordRow, SeriesChunkRow, SeriesDay } from '../../storage/contract.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { ComposedRecord } from '../records/compose.js';
import type { Written } from '../watches/evaluate.js';
import { dayOf, encodeReadings, type Readings } from './codec.js';
import { openChunk } from './view.js';

/*
 * Imports of dense measures (docs/performance.md "Dense series"): a reading goes into its
 * writer's chunk for that day and type, merged with what the chunk already holds. A reading the
 * chunk holds already (same second, same value) is skipped, as an imported record's digest
 * would be; one that cannot go in (a fraction of a second, or a second the chunk holds with
 * another value) stays an ordinary record, so nothing imported is lost or rounded.
 */

/** @returns whether a checked record can be a series reading: a dense type's bare value on a whole second */
export function isSeriesReading(catalogue: Catalogue, c: ComposedRecord): boolean {
  if (catalogue.type(c.type)?.measure?.series !== true) return false;
  if (c.effectiveAt % 1000 !== 0 || typeof c.content.value !== 'number') return false;
  for (const key in c.content) {
    if (key === 'value' || key === 'unit') continue;
    // A unit spelled another way for the same scale (`{beats}/min`) changes nothing stored.
    if (key === 'entered' && c.content.entered?.value === c.content.value) continue;
    return false;
  }
  return true;
}

export interface Merged {
  /** Chunks to store: new ones (revision 0) and merged ones (their revision + 1). */
  chunks: SeriesChunkRow[];
  added: number;
  /** Readings the writer's chunks held already. */
  skipped: number;
  /** Readings that stay ordinary records. */
  rest: ComposedRecord[];
  /** The new readings as watches see them: each names its chunk. */
  written: Written[];
}

type Source = Pick<RecordRow, 'sourceKind' | 'sourceAccountId' | 'sourceOrganisationId'>;

const EMPTY = new Uint8Array(0);

function keyOf(d: SeriesDay): string {
  return `${d.category}\u0000${d.type}\u0000${d.day}`;
}

/** Merges readings into the writer's chunks (not yet stored). */
export async function mergeSeries(deps: Deps, subjectId: string, source: Source, readings: ComposedRecord[]): Promise<Merged> {
  const out: Merged = { chunks: [], added: 0, skipped: 0, rest: [], written: [] };
  if (readings.length === 0) return out;
  const now = deps.clock.now();
  const groups = new Map<string, { day: SeriesDay; readings: ComposedRecord[] }>();
  for (const c of readings) {
    const day = { category: c.category, type: c.type, day: dayOf(c.effectiveAt) };
    const key = keyOf(day);
    const g = groups.get(key);
    if (g) g.readings.push(c);
    else groups.set(key, { day, readings: [c] });
  }
  const dek = await deps.dataKeys.forSubject(subjectId);
  const existing = new Map((await deps.storage.series.ofWriter(subjectId, source.sourceAccountId, [...groups.values()].map((g) => g.day))).map((r) => [keyOf(r), r]));
  for (const [key, g] of groups) {
    const before = existing.get(key);
    const held = new Map<number, number>();
    let unit = g.readings[0]!.content.unit!;
    if (before) {
      const opened = openChunk(dek, before);
      unit = opened.unit;
      opened.at.forEach((at, i) => held.set(at, opened.values[i]!));
    }
    const fresh: ComposedRecord[] = [];
    for (const c of g.readings) {
      const v = held.get(c.effectiveAt);
      if (v === undefined && c.content.unit === unit) {
        held.set(c.effectiveAt, c.content.value!);
        fresh.push(c);
      } else if (v === c.content.value) out.skipped++;
      else out.rest.push(c);
    }
    if (fresh.length === 0) continue;
    const at = [...held.keys()].sort((a, b) => a - b);
    const all: Readings = { unit, at, values: at.map((t) => held.get(t)!) };
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
      revision: before ? before.revision + 1 : 0,
      payload: EMPTY,
    };
    row.payload = sealSeries(dek, row, encodeReadings(row.day, all));
    out.chunks.push(row);
    out.added += fresh.length;
    for (const c of fresh) {
      const pseudo: RecordRow = { ...source, id: row.id, subjectId, category: c.category, type: c.type, effectiveAt: c.effectiveAt, createdAt: now, schemaVersion: 0, payload: EMPTY };
      out.written.push({ row: pseudo, content: c.content, reading: true });
    }
  }
  return out;
}
