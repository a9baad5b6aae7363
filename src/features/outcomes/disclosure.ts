/**
 * Disclosure control for outcome reporting, in one place (docs/outcomes.md "Disclosure
 * control"). Every cell and the total of every answer pass through {@link discloseCells}; no
 * other code turns a true count into a published one.
 */

/** The smallest true count shown; 1 to MIN_CELL − 1 people are suppressed. */
export const MIN_CELL = 8;
/** Shown counts are rounded to the nearest multiple of this. */
export const ROUNDING_BASE = 5;

/** What a cell is: a count of people, with a count of records, a mean or a share over them. */
export type ValueKind = 'count' | 'mean' | 'share';

export interface TrueCell<G> {
  group: G;
  /** People in the cell (true count). */
  n: number;
  /** The cell's measure over those people: records for a count, else a mean or a share; null when n = 0. */
  value: number | null;
}

export interface ShownCell<G> {
  group: G;
  n: number | null;
  suppressed: boolean;
  value: number | null;
}

export interface Disclosed<G> {
  cells: ShownCell<G>[];
  total: { n: number; value: number | null };
  disclosureControl: {
    minimumCell: number;
    rounding: number;
    suppressedCells: number;
    rules: string;
  };
}

function roundTo(n: number, base: number): number {
  return Math.round(n / base) * base;
}

function decimals(n: number, places: number): number {
  const f = 10 ** places;
  return Math.round(n * f) / f;
}

/** @returns a cell as it may be published */
function discloseCell<G>(cell: TrueCell<G>, kind: ValueKind): ShownCell<G> {
  if (cell.n === 0) return { group: cell.group, n: 0, suppressed: false, value: kind === 'count' ? 0 : null };
  if (cell.n < MIN_CELL) return { group: cell.group, n: null, suppressed: true, value: null };
  // A count of records is a count too: rounded like n. Means and shares need the true n ≥ 8, which holds here.
  const value = cell.value === null ? null : kind === 'count' ? roundTo(cell.value, ROUNDING_BASE) : decimals(cell.value, kind === 'share' ? 3 : 2);
  return { group: cell.group, n: roundTo(cell.n, ROUNDING_BASE), suppressed: false, value };
}

/**
 * Applies disclosure control to an answer's cells and makes the total from what is shown:
 * - n = 0 stays 0;
 * - 1–7 people: n and value are null and the cell says `suppressed`;
 * - 8 or more: n is rounded to the nearest 5; a mean or share is shown (the true n is ≥ 8);
 * - the total's n is the sum of the shown cells' n, and its value is made from the shown cells
 *   only (a count: the sum of shown values; a mean or share: weighted by the shown n), so no
 *   suppressed cell can be recovered by subtracting shown cells from the total.
 */
export function discloseCells<G>(cells: TrueCell<G>[], kind: ValueKind): Disclosed<G> {
  const shown = cells.map((c) => discloseCell(c, kind));
  const visible = shown.filter((c) => !c.suppressed && c.n !== null && c.n > 0);
  const n = visible.reduce((s, c) => s + c.n!, 0);
  let value: number | null = null;
  if (kind === 'count') value = shown.reduce((s, c) => s + (c.value ?? 0), 0);
  else if (n > 0) {
    const weighted = visible.reduce((s, c) => s + (c.value ?? 0) * c.n!, 0);
    value = decimals(weighted / n, kind === 'share' ? 3 : 2);
  }
  return {
    cells: shown,
    total: { n, value },
    disclosureControl: {
      minimumCell: MIN_CELL,
      rounding: ROUNDING_BASE,
      suppressedCells: shown.filter((c) => c.suppressed).length,
      rules:
        `Cells of 1 to ${MIN_CELL - 1} people are suppressed (n and value null); other counts are rounded to the nearest ` +
        `${ROUNDING_BASE}; a mean or share is shown only where at least ${MIN_CELL} people contribute; the total is made ` +
        'from the shown cells only.',
    },
  };
}
