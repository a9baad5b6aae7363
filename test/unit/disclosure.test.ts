import { describe, expect, it } from 'vitest';
import { discloseCells, type TrueCell, type ValueKind } from '../../src/features/outcomes/disclosure.js';

/**
 * The disclosure-control table (docs/outcomes.md): true cell → published cell, by the kind of
 * value. Every rule has rows either side of its edge.
 */
const table: { id: string; kind: ValueKind; n: number; value: number | null; shown: { n: number | null; suppressed: boolean; value: number | null } }[] = [
  { id: 'DC01', kind: 'mean', n: 0, value: null, shown: { n: 0, suppressed: false, value: null } },
  { id: 'DC02', kind: 'count', n: 0, value: 0, shown: { n: 0, suppressed: false, value: 0 } },
  { id: 'DC03', kind: 'mean', n: 1, value: 14, shown: { n: null, suppressed: true, value: null } },
  { id: 'DC04', kind: 'mean', n: 7, value: 21.456, shown: { n: null, suppressed: true, value: null } },
  { id: 'DC05', kind: 'count', n: 7, value: 30, shown: { n: null, suppressed: true, value: null } },
  { id: 'DC06', kind: 'share', n: 5, value: 0.6, shown: { n: null, suppressed: true, value: null } },
  { id: 'DC07', kind: 'mean', n: 8, value: 21.456, shown: { n: 10, suppressed: false, value: 21.46 } },
  { id: 'DC08', kind: 'mean', n: 9, value: -3.333333, shown: { n: 10, suppressed: false, value: -3.33 } },
  { id: 'DC09', kind: 'mean', n: 10, value: 5, shown: { n: 10, suppressed: false, value: 5 } },
  { id: 'DC10', kind: 'mean', n: 12, value: 5, shown: { n: 10, suppressed: false, value: 5 } },
  { id: 'DC11', kind: 'mean', n: 13, value: 5, shown: { n: 15, suppressed: false, value: 5 } },
  { id: 'DC12', kind: 'share', n: 14, value: 3 / 7, shown: { n: 15, suppressed: false, value: 0.429 } },
  { id: 'DC13', kind: 'count', n: 8, value: 11, shown: { n: 10, suppressed: false, value: 10 } },
  { id: 'DC14', kind: 'count', n: 8, value: 13, shown: { n: 10, suppressed: false, value: 15 } },
  { id: 'DC15', kind: 'count', n: 102, value: 408, shown: { n: 100, suppressed: false, value: 410 } },
  { id: 'DC16', kind: 'count', n: 103, value: 412, shown: { n: 105, suppressed: false, value: 410 } },
];

describe('disclosure control, cell by cell', () => {
  it.each(table.map((r) => [`[${r.id}] ${r.kind} n=${r.n} value=${r.value}`, r] as const))('%s', (_t, r) => {
    const { cells } = discloseCells([{ group: { month: '2026-01' }, n: r.n, value: r.value }], r.kind);
    expect(cells).toEqual([{ group: { month: '2026-01' }, ...r.shown }]);
  });
});

describe('the total is made from the shown cells', () => {
  const cells = (rows: [number, number | null][]): TrueCell<{ i: number }>[] => rows.map(([n, value], i) => ({ group: { i }, n, value }));

  it('[DC20] counts: suppressed cells add nothing to the total n or value', () => {
    const d = discloseCells(cells([[12, 20], [3, 4], [0, 0], [8, 9]]), 'count');
    expect(d.cells.map((c) => c.n)).toEqual([10, null, 0, 10]);
    expect(d.total).toEqual({ n: 20, value: 30 });
    expect(d.disclosureControl).toMatchObject({ minimumCell: 8, rounding: 5, suppressedCells: 1 });
  });

  it('[DC21] means: weighted by the shown n, never by a suppressed cell', () => {
    // Shown: 10 people at 20 and 15 at 30 → (200 + 450) / 25 = 26; the suppressed 7 at 100 must not move it.
    const d = discloseCells(cells([[12, 20], [7, 100], [14, 30]]), 'mean');
    expect(d.total).toEqual({ n: 25, value: 26 });
  });

  it('[DC22] every cell suppressed: the total is 0 with no value', () => {
    const d = discloseCells(cells([[1, 5], [7, 6]]), 'share');
    expect(d.total).toEqual({ n: 0, value: null });
    expect(d.disclosureControl.suppressedCells).toBe(2);
  });

  it('[DC23] a person more or less does not show: 11 and 12 people publish the same n', () => {
    const a = discloseCells(cells([[11, 5]]), 'mean');
    const b = discloseCells(cells([[12, 5]]), 'mean');
    expect(a.cells[0]!.n).toBe(b.cells[0]!.n);
    expect(a.total.n).toBe(b.total.n);
  });
});
