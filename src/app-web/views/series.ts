import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { BandDef, TypeDef } from '../../features/catalogue/model.js';
import type { RecordView } from '../../features/records/schemas.js';

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
}

function padded(values: number[]): { min: number; max: number } {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = hi === lo ? Math.max(1, Math.abs(hi) * 0.1) : (hi - lo) * 0.15;
  return { min: Math.floor(lo - pad), max: Math.ceil(hi + pad) };
}

function ofType(def: TypeDef, records: RecordView[]): Series[] {
  const copyright = def.licence?.match(/©[^;]*/)?.[0].trim() ?? null;
  const oldestFirst = [...records].sort((a, b) => a.effectiveAt.localeCompare(b.effectiveAt));
  const meaningfulChange = def.meaningfulChange?.score ?? null;
  const q = def.questionnaire;
  if (q && q.scoring.total !== 'none') {
    const points = oldestFirst.filter((r) => typeof r.score === 'number').map((r) => ({ at: r.effectiveAt, value: r.score!, band: r.band ?? null }));
    return [
      {
        key: def.code,
        label: def.label,
        unit: null,
        min: q.scoring.scoreMin ?? 0,
        max: q.scoring.scoreMax ?? Math.max(...points.map((p) => p.value)),
        bands: q.scoring.bands ?? [],
        points,
        meaningfulChange,
        copyright,
      },
    ];
  }
  if (q) {
    return q.items.map((item) => ({
      key: `${def.code}-${item.n}`,
      label: `${def.label}: ${item.label}`,
      unit: null,
      min: q.itemMin,
      max: q.itemMax,
      bands: item.bands ?? [],
      points: oldestFirst.flatMap((r) => {
        const v = r.items?.find((i) => i.n === item.n);
        return v ? [{ at: r.effectiveAt, value: v.value, band: v.band ?? null }] : [];
      }),
      meaningfulChange: null,
      copyright,
    }));
  }
  const m = def.measure;
  if (!m) return [];
  const parts = m.components ? m.components.map((c) => ({ code: c.code as 'systolic' | 'diastolic', label: `${def.label}: ${c.label}` })) : [{ code: 'value' as const, label: def.label }];
  return parts.map((part) => {
    const points = oldestFirst.filter((r) => typeof r[part.code] === 'number').map((r) => ({ at: r.effectiveAt, value: r[part.code]!, band: null }));
    return { key: `${def.code}-${part.code}`, label: part.label, unit: m.unit, ...padded(points.map((p) => p.value)), bands: [], points, meaningfulChange: null, copyright };
  });
}

/**
 * Groups records into chartable series, in catalogue order; goals and notes have none.
 * @param records any records of one person, in any order
 */
export function seriesOf(catalogue: Catalogue, records: RecordView[]): Series[] {
  const byType = new Map<string, RecordView[]>();
  for (const r of records) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  return catalogue.types.flatMap((def) => (byType.has(def.code) ? ofType(def, byType.get(def.code)!) : [])).filter((s) => s.points.length > 0);
}

/** @returns the latest goal records, newest first (a goal restated later replaces none: each is shown) */
export function goalsOf(records: RecordView[]): RecordView[] {
  return records.filter((r) => r.type === 'goal').sort((a, b) => b.effectiveAt.localeCompare(a.effectiveAt));
}
