import type { RecordInput } from '../records/compose.js';
import { bodyError, isObject, type Json, type Parsed } from './entries.js';

/*
 * Open mHealth / IEEE 1752.1 data points (docs/imports.md "Open mHealth"): `{header, body}` with
 * `header.schema_id.name` one of step-count, heart-rate, sleep-duration, physical-activity (any
 * namespace: `omh` or `ieee`, any version), and the body's time frame. Units are the schemas'
 * own (`beats/min`, `steps`, duration units `sec`, `min`, `h`), mapped to UCUM.
 */

/** OMH duration-unit-value and unit-value units → UCUM, as the catalogue accepts them. */
const unitMap: Record<string, string> = { 'beats/min': '/min', steps: '1', sec: 's', s: 's', min: 'min', h: 'h', hr: 'h' };

/** Durations in seconds, for physical activity given as a time interval. */
const seconds: Record<string, number> = { ms: 0.001, sec: 1, s: 1, min: 60, h: 3600, d: 86_400 };

type Made = RecordInput | { error: string; at: string };

/** The end of the data point's time frame (or its single moment): when the measure applies. */
function when(body: Json): { at?: string; seconds?: number } {
  const tf = body.effective_time_frame;
  if (!isObject(tf)) return {};
  if (typeof tf.date_time === 'string') return { at: tf.date_time };
  const ti = tf.time_interval;
  if (!isObject(ti)) return {};
  const start = typeof ti.start_date_time === 'string' ? ti.start_date_time : undefined;
  const end = typeof ti.end_date_time === 'string' ? ti.end_date_time : undefined;
  if (start && end) return { at: end, seconds: (Date.parse(end) - Date.parse(start)) / 1000 };
  if (start && isObject(ti.duration) && typeof ti.duration.value === 'number' && typeof ti.duration.unit === 'string' && seconds[ti.duration.unit]) {
    const s = ti.duration.value * seconds[ti.duration.unit]!;
    return { at: new Date(Date.parse(start) + s * 1000).toISOString(), seconds: s };
  }
  return { ...(end ? { at: end } : start ? { at: start } : {}) };
}

/** A unit-value (`{value, unit}`), or a bare number in the unit given (step-count 1.0). */
function unitValue(v: unknown, bare: string): { value: number; unit: string } | undefined {
  if (typeof v === 'number') return { value: v, unit: bare };
  if (isObject(v) && typeof v.value === 'number' && typeof v.unit === 'string') return { value: v.value, unit: unitMap[v.unit] ?? v.unit };
  return undefined;
}

function dataPoint(p: unknown): Made {
  if (!isObject(p) || !isObject(p.header) || !isObject(p.body)) return { error: 'must be a data point: {"header": {...}, "body": {...}}', at: '' };
  const schema = isObject(p.header.schema_id) ? p.header.schema_id : undefined;
  const name = typeof schema?.name === 'string' ? schema.name : undefined;
  const body = p.body;
  const t = when(body);
  if (!t.at) return { error: 'effective_time_frame (date_time, or a time_interval) is required', at: '.body.effective_time_frame' };
  const measure = (type: string, field: string, bare: string): Made => {
    const uv = unitValue(body[field], bare);
    if (!uv) return { error: `${field} must be a number or {value, unit}`, at: `.body.${field}` };
    return { type, effectiveAt: t.at!, value: uv.value, unit: uv.unit };
  };
  switch (name) {
    case 'step-count':
      return measure('steps', 'step_count', '1');
    case 'heart-rate':
      return measure('heart-rate', 'heart_rate', '/min');
    case 'sleep-duration':
      return measure('sleep-duration', 'sleep_duration', 'h');
    case 'physical-activity': {
      if (typeof body.activity_name !== 'string' || body.activity_name.trim() === '') return { error: 'activity_name is required', at: '.body.activity_name' };
      const duration = unitValue(body.duration, 'min') ?? (t.seconds !== undefined ? { value: Math.round((t.seconds / 60) * 100) / 100, unit: 'min' } : undefined);
      if (!duration) return { error: 'the activity needs a duration or a time_interval with both ends', at: '.body.effective_time_frame' };
      const detail: Record<string, unknown> = { activity: body.activity_name };
      if (isObject(body.distance)) detail.distance = body.distance;
      if (isObject(body.kcal_burned)) detail.kcalBurned = body.kcal_burned;
      if (typeof body.reported_activity_intensity === 'string') detail.intensity = body.reported_activity_intensity;
      return { type: 'physical-activity', effectiveAt: t.at, value: duration.value, unit: duration.unit, detail };
    }
    default:
      return { error: `schema ${JSON.stringify(name ?? null)} is not one Tessera imports (step-count, heart-rate, sleep-duration, physical-activity)`, at: '.header.schema_id.name' };
  }
}

/** Data points (one, or an array of them) into record bodies, every problem named by data point. */
export function parseDataPoints(body: unknown): Parsed {
  const out: Parsed = { entries: [], leftOut: 0, errors: [] };
  const list = Array.isArray(body) ? body : [body];
  list.forEach((p, i) => {
    const field = Array.isArray(body) ? `${i}` : '';
    const made = dataPoint(p);
    if ('error' in made) out.errors.push(bodyError(`${field}${made.at}`.replace(/^\./, '') || '(root)', made.error));
    else out.entries.push({ field: field || '(root)', input: made });
  });
  return out;
}
