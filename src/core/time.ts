import { ValidationError, type FieldError } from '../errors.js';

const fullDate = /^\d{4}-\d{2}-\d{2}$/;
/** RFC 3339 §5.6 date-time: a time zone is required (no local times), seconds 00–59. */
const dateTime = /^(\d{4}-\d{2}-\d{2})[Tt ]([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/** @returns whether YYYY-MM-DD (already shaped so) names a real calendar day (2026-02-30 does not) */
function realDay(date: string): boolean {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

/** @returns midnight UTC of a real calendar day, or undefined */
function dayStart(date: string): number | undefined {
  return realDay(date) ? Date.parse(`${date}T00:00:00.000Z`) : undefined;
}

/**
 * Parses an RFC 3339 date-time, or a full-date meaning the start (or, for an upper bound, the
 * last millisecond) of that day in UTC. Date.parse alone would take local times, English
 * dates and impossible days (rolling 30 February into March), so the shape is checked first.
 * @returns epoch milliseconds, or undefined when the text is not a valid time
 */
export function parseInstant(text: string, bound: 'start' | 'end' = 'start'): number | undefined {
  if (fullDate.test(text)) {
    const ms = dayStart(text);
    return ms === undefined ? undefined : bound === 'end' ? ms + 86_399_999 : ms;
  }
  const m = dateTime.exec(text);
  if (!m || !realDay(m[1]!)) return undefined;
  const ms = Date.parse(text.toUpperCase().replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** A date and time of day with no zone after it: a local time, which no one else can place. */
const zoneless = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * @param text a value that did not parse as an RFC 3339 date-time
 * @returns what to tell the sender, naming the fix when only the time zone is missing
 */
export function dateTimeProblem(text: unknown): string {
  if (typeof text === 'string' && zoneless.test(text.trim())) {
    const t = text.trim();
    const example = /:\d{2}:\d{2}/.test(t) ? `"${t}Z"` : 'e.g. "2026-03-01T10:00:00Z"';
    return `has no time zone: add a time zone, e.g. Z for UTC (${example}) or an offset such as +01:00`;
  }
  return 'must be an RFC 3339 date-time with a time zone, e.g. 2026-03-01T10:00:00Z';
}

/**
 * Parses an optional from/to pair from a request part, checking from ≤ to.
 * @throws ValidationError naming the field
 */
export function parseWindow(
  input: { from?: string | undefined; to?: string | undefined },
  part: FieldError['in'],
): { from?: number; to?: number } {
  const errors: FieldError[] = [];
  const out: { from?: number; to?: number } = {};
  for (const key of ['from', 'to'] as const) {
    const raw = input[key];
    if (raw === undefined) continue;
    const ms = parseInstant(raw, key === 'from' ? 'start' : 'end');
    if (ms === undefined) {
      const detail = zoneless.test(raw.trim()) ? dateTimeProblem(raw) : 'must be an RFC 3339 date-time (with a time zone, e.g. Z) or a date (YYYY-MM-DD)';
      errors.push({ field: key, pointer: `/${key}`, in: part, detail });
    }
    else out[key] = ms;
  }
  if (!errors.length && out.from !== undefined && out.to !== undefined && out.from > out.to) {
    errors.push({ field: 'to', pointer: '/to', in: part, detail: 'must not be before from' });
  }
  if (errors.length) throw new ValidationError(errors);
  return out;
}

/** @returns the ISO 8601 (UTC, millisecond) form we answer with */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** @returns {@link iso} of a time that may be absent */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
