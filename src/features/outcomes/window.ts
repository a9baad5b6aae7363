import { ValidationError } from '../../errors.js';

/**
 * The windows an outcomes query may use (docs/outcomes.md "Differencing"): whole calendar
 * months only, in aligned blocks of 1, 3, 6 or 12 months (a month, a quarter, a half, a year),
 * and only months that have ended. No query can name an arbitrary instant, so two windows
 * never differ by one record or one day, and a window's records are all in before it is asked.
 */
export const WINDOW_MONTHS = [1, 3, 6, 12] as const;

export interface OutcomeWindow {
  /** First instant, inclusive (epoch ms, UTC). */
  from: number;
  /** Last instant, inclusive. */
  to: number;
  /** Each month in the window, `YYYY-MM`, oldest first. */
  months: string[];
}

function monthIndex(text: string): number {
  const [y, m] = text.split('-').map(Number);
  return y! * 12 + (m! - 1);
}

function monthText(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function startOf(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12, 1);
}

/**
 * @param input months `YYYY-MM` (both or neither; neither means the last complete quarter)
 * @throws ValidationError naming `from` or `to`
 */
export function outcomeWindow(input: { from?: string | undefined; to?: string | undefined }, now: number): OutcomeWindow {
  const d = new Date(now);
  const current = d.getUTCFullYear() * 12 + d.getUTCMonth();
  let first: number;
  let last: number;
  if (input.from === undefined && input.to === undefined) {
    // The quarter before the one `now` is in.
    last = Math.floor(current / 3) * 3 - 1;
    first = last - 2;
  } else if (input.from === undefined || input.to === undefined) {
    throw ValidationError.body(input.from === undefined ? 'from' : 'to', 'give both from and to (YYYY-MM), or neither for the last complete quarter');
  } else {
    first = monthIndex(input.from);
    last = monthIndex(input.to);
    if (last < first) throw ValidationError.body('to', 'must not be before from');
    const length = last - first + 1;
    if (!(WINDOW_MONTHS as readonly number[]).includes(length) || first % length !== 0) {
      throw ValidationError.body(
        'from',
        'a window is one calendar month, quarter (Jan–Mar, Apr–Jun…), half-year (Jan–Jun, Jul–Dec) or year (Jan–Dec)',
      );
    }
    if (last >= current) throw ValidationError.body('to', 'must be a month that has ended');
  }
  return {
    from: startOf(first),
    to: startOf(last + 1) - 1,
    months: Array.from({ length: last - first + 1 }, (_, i) => monthText(first + i)),
  };
}

/** @returns the `YYYY-MM` of an instant */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
