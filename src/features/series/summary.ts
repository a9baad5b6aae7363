import type { Deps } from '../../core/deps.js';
import { matches, scopePredicate, slicePredicate } from '../../core/slice.js';
import type { Scope } from '../../storage/contract.js';
import { openChunk, seriesView } from './view.js';

/** Chunks read per query while counting. */
const PAGE = 500;

export interface Group {
  category: string;
  type: string;
  n: number;
  first: number;
  last: number;
}

/**
 * Counts the series readings a scope covers, by category and type, as the records' summary
 * does (a grant's preview). A chunk whose first and last reading lie in one slice is counted
 * from its clear count; one a window cuts is opened and cut as a read would cut it.
 */
export async function summariseSeries(deps: Deps, scope: Scope): Promise<Group[]> {
  const groups = new Map<string, Group>();
  const whole = scope.slices.map(slicePredicate);
  const predicate = scopePredicate(scope);
  let dek: Uint8Array | undefined;
  let after: { effectiveAt: number; id: string } | undefined;
  for (;;) {
    const page = await deps.storage.series.list(scope, { limit: PAGE, order: 'asc', ...(after ? { after } : {}) });
    for (const c of page) {
      const ends = [c.firstAt, c.lastAt].map((effectiveAt) => ({ category: c.category, type: c.type, effectiveAt }));
      let n = c.count;
      let [first, last] = [c.firstAt, c.lastAt];
      if (!whole.some((p) => matches(p, ends[0]!) && matches(p, ends[1]!))) {
        dek ??= await deps.dataKeys.forSubject(scope.subjectId);
        // Cut as a read cuts it (seriesView), so the preview counts what the grant would serve.
        const view = seriesView(c, openChunk(dek, c), predicate);
        if (!view?.series) continue;
        n = view.series.count;
        [first, last] = [Date.parse(view.series.start), Date.parse(view.series.end)];
      }
      const key = `${c.category}\u0000${c.type}`;
      const g = groups.get(key);
      if (!g) groups.set(key, { category: c.category, type: c.type, n, first, last });
      else Object.assign(g, { n: g.n + n, first: Math.min(g.first, first), last: Math.max(g.last, last) });
    }
    const last = page[page.length - 1];
    if (page.length < PAGE || !last) break;
    after = { effectiveAt: last.day, id: last.id };
  }
  return [...groups.values()];
}
