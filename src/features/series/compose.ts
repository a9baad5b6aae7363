import { ValidationError, type FieldError } from '../../errors.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { EARLIEST, FUTURE_SLACK_MS, type ComposedRecord } from '../records/compose.js';

/**
 * Readings of one dense measure, checked and in the type's canonical unit, as columns. `records`
 * holds, where the readings came one record body each (Open mHealth, CSV), each reading's own
 * checked record, so one that cannot join a chunk is stored exactly as it came.
 */
export interface ComposedSeries {
  category: string;
  type: string;
  unit: string;
  at: number[];
  values: number[];
  records?: ComposedRecord[];
  /** Where in the body the readings came from, for errors. */
  field?: string;
  /** Each reading's position in its source, where it differs from its index. */
  slots?: number[];
}

/** The readings a series entry holds, before they are checked. */
export interface SeriesInput {
  /** Field path of the entry's readings (`entry.3.resource.valueSampledData.data`). */
  field: string;
  type: string;
  category?: string;
  unit?: string;
  /** Epoch milliseconds of each reading. */
  at: number[];
  /** Each reading's value in `unit`. */
  values: number[];
  /** Each reading's position in its source (a SampledData slot), where it differs from its index. */
  slots?: number[];
}

const pointer = (field: string) => `/${field.replace(/\./g, '/')}`;

/**
 * Checks a series entry as the records service checks a measure (type, category, unit, each
 * reading's moment and range) and converts its values to the canonical unit.
 * @throws ValidationError naming the entry, or each bad reading (`field.i`, at most `max`)
 */
export function composeSeries(catalogue: Catalogue, e: SeriesInput, now: number, max = 100): ComposedSeries {
  const fail = (field: string, detail: string): never => {
    throw new ValidationError([{ field, pointer: pointer(field), in: 'body', detail }]);
  };
  const def = catalogue.type(e.type);
  const m = def?.measure;
  if (!def || !m?.series) return fail(e.field, `"${e.type}" is not a measure kept as a series`);
  const category = e.category ?? def.category;
  if (!def.categories.includes(category)) fail(e.field, `"${def.code}" records may be filed only under ${def.categories.join(', ')} (got "${category}")`);
  const unit = m.units.find((u) => u.code === (e.unit ?? m.unit));
  if (!unit) return fail(e.field, `"${e.unit}" does not convert to ${m.unit}; accepted: ${m.units.map((u) => u.code).join(', ')}`);
  const errors: FieldError[] = [];
  const latest = now + FUTURE_SLACK_MS;
  const values = new Array<number>(e.values.length);
  const convert = unit.factor !== 1 || unit.offset;
  for (let i = 0; i < e.at.length; i++) {
    const at = e.at[i]!;
    const v = convert ? Math.round((e.values[i]! * unit.factor + (unit.offset ?? 0)) * 10_000) / 10_000 : e.values[i]!;
    values[i] = v;
    let problem: string | undefined;
    if (!(at >= EARLIEST)) problem = 'must not be before 1900';
    else if (at > latest) problem = 'must not be more than a day in the future';
    else if (!(v >= m.min && v <= m.max)) problem = `must be between ${m.min} and ${m.max} ${m.unit}`;
    if (!problem) continue;
    const name = `${e.field}.${e.slots?.[i] ?? i}`;
    if (errors.push({ field: name, pointer: pointer(name), in: 'body', detail: problem }) >= max) break;
  }
  if (errors.length) throw new ValidationError(errors);
  return { category, type: def.code, unit: m.unit, at: e.at, values, field: e.field, ...(e.slots ? { slots: e.slots } : {}) };
}
