import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { BandDef, TypeDef } from '../../features/catalogue/model.js';
import type { RecordView } from '../../features/records/schemas.js';
import type { Trend } from '../../features/trends/schemas.js';
import { seriesReader, type SeriesSelector } from '../../features/trends/series.js';

/** One line on a chart: a score, an ONS4 item or a measure's component, over time. */
export interface Series {
  key: string;
  /** The instrument's label (and the item's, where items are charted on their own). */
  label: string;
  unit: string | null;
  min: number;
  max: number;
  bands: BandDef[];
  /** Oldest first. */
  points: { at: string; value: number; band: string | null }[];
  /** From the catalogue, where a published study sets one. */
  meaningfulChange: number | null;
  /** The copyright line a licence asks to show wherever results are reproduced (WEMWBS, SWEMWBS). */
  copyright: string | null;
  /** From the trends API: the change from the first result to the latest, and whether it is meaningful. */
  trend?: Pick<Trend, 'change' | 'direction' | 'meaningful'>;
}

function padded(values: number[]): { min: number; max: number } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi === lo ? Math.max(1, Math.abs(hi) * 0.1) : (hi - lo) * 0.15;
  return { min: Math.floor(lo - pad), max: Math.ceil(hi + pad) };
}

/** One chartable line of a type, before its points: which number of the record it follows. */
interface Spec extends Omit<Series, 'points'> {
  selector: SeriesSelector;
}

function specsOf(def: TypeDef): Spec[] {
  const copyright = def.licence?.match(/©[^;]*/)?.[0].trim() ?? null;
  const base = { unit: null, bands: [] as BandDef[], meaningfulChange: null, copyright };
  const q = def.questionnaire;
  if (q && q.scoring.total !== 'none') {
    return [
      {
        ...base,
        key: def.code,
        label: def.label,
        min: q.scoring.scoreMin ?? 0,
        max: q.scoring.scoreMax ?? q.items.length * q.itemMax,
        bands: q.scoring.bands ?? [],
        meaningfulChange: def.meaningfulChange?.threshold ?? null,
        selector: {},
      },
    ];
  }
  if (q) return q.items.map((item) => ({ ...base, key: `${def.code}-${item.n}`, label: `${def.label}: ${item.label}`, min: q.itemMin, max: q.itemMax, bands: item.bands ?? [], selector: { item: item.n } }));
  const m = def.measure;
  if (!m) return [];
  const parts = m.components ? m.components.map((c) => ({ code: c.code, label: `${def.label}: ${c.label}`, component: c.code })) : [{ code: 'value', label: def.label, component: undefined }];
  return parts.map((part) => ({ ...base, key: `${def.code}-${part.code}`, label: part.label, unit: m.unit, min: 0, max: 0, selector: { component: part.component } }));
}

/** Measures have no fixed range: the axis is padded around the values. */
function withPoints(spec: Spec, points: Series['points'], trend?: Series['trend']): Series {
  const range = spec.unit !== null ? padded(points.map((p) => p.value)) : { min: spec.min, max: spec.max };
  const series: Series = { key: spec.key, label: spec.label, unit: spec.unit, ...range, bands: spec.bands, points, meaningfulChange: spec.meaningfulChange, copyright: spec.copyright };
  if (trend) series.trend = trend;
  return series;
}

/** A series item (a device's day of readings) is one point, its mean, as the trends API has it. */
function dailyMean(series: NonNullable<RecordView['series']>): { score: number; band: null } | undefined {
  if (series.count === 0) return undefined;
  return { score: Math.round((series.values.reduce((a, b) => a + b, 0) / series.count) * 100) / 100, band: null };
}

function typesWithRecords(catalogue: Catalogue, records: RecordView[]): [TypeDef, RecordView[]][] {
  const byType = new Map<string, RecordView[]>();
  for (const r of records) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  return catalogue.types.filter((def) => byType.has(def.code)).map((def) => [def, byType.get(def.code)!]);
}

/**
 * Groups records into chartable series, in catalogue order; goals and notes have none. Each
 * number is read the way the trends API reads it (src/features/trends/series.ts).
 * @param records any records of one person, in any order
 */
export function seriesOf(catalogue: Catalogue, records: RecordView[]): Series[] {
  return typesWithRecords(catalogue, records)
    .flatMap(([def, rs]) => {
      const oldestFirst = [...rs].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
      return specsOf(def).map((spec) => {
        const read = seriesReader(def, spec.selector, 'query');
        return withPoints(spec, oldestFirst.flatMap((r) => { const v = r.series ? dailyMean(r.series) : read(r); return v ? [{ at: r.effectiveAt, value: v.score, band: v.band }] : []; }));
      });
    })
    .filter((s) => s.points.length > 0);
}

/**
 * The same series, drawn from the trends API (`GET /v1/me/trends`): its points, and its change
 * from the first result with whether that change is meaningful.
 */
export async function seriesFromTrends(catalogue: Catalogue, records: RecordView[], trendOf: (type: string, selector: SeriesSelector) => Promise<Trend>): Promise<Series[]> {
  const out: Series[] = [];
  for (const [def] of typesWithRecords(catalogue, records)) {
    for (const spec of specsOf(def)) {
      const trend = await trendOf(def.code, spec.selector);
      if (trend.points.length === 0) continue;
      out.push(withPoints(spec, trend.points.map((p) => ({ at: p.at, value: p.score, band: p.band })), { change: trend.change, direction: trend.direction, meaningful: trend.meaningful }));
    }
  }
  return out;
}

/** @returns the latest goal records, newest first (a goal restated later replaces none: each is shown) */
export function goalsOf(records: RecordView[]): RecordView[] {
  return records.filter((r) => r.type === 'goal').sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt));
}
