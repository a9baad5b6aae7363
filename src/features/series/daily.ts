import type { Deps } from '../../core/deps.js';
import { queryPredicate } from '../../core/slice.js';
import type { RecordQuery, Scope } from '../../storage/contract.js';
import { openSeriesRows } from './view.js';

/** Chunks read per query. */
const PAGE = 500;

/** One day of a series as a trend sees it: the mean of the readings the scope holds that day. */
export interface DailyMean {
  /** The day's first reading inside the scope. */
  at: number;
  mean: number;
  chunkId: string;
}

/**
 * The daily means of a dense measure inside a scope and window, oldest first: a trend follows a
 * day of minute readings as one point, not 1,440 (docs/performance.md "Dense series"). Only the
 * readings the scope's slices hold count, as for a read.
 * @param max at most this many days, the latest ones
 */
export async function dailyMeans(deps: Deps, scope: Scope, type: string, window: Pick<RecordQuery, 'from' | 'to'>, max: number): Promise<DailyMean[]> {
  const query = { types: [type], ...window };
  const predicate = queryPredicate(scope, query);
  const out: DailyMean[] = [];
  let after: RecordQuery['after'];
  for (;;) {
    const page = await deps.storage.series.list(scope, { ...query, limit: PAGE, ...(after ? { after } : {}) });
    const views = await openSeriesRows(deps, scope.subjectId, page, predicate);
    views.forEach((v) => {
      if (!v?.series) return;
      const sum = v.series.values.reduce((a, b) => a + b, 0);
      out.push({ at: Date.parse(v.series.start), mean: Math.round((sum / v.series.count) * 100) / 100, chunkId: v.id });
    });
    const last = page[page.length - 1];
    if (page.length < PAGE || !last || out.length >= max) break;
    after = { effectiveAt: last.day, id: last.id };
  }
  return out.slice(0, max).reverse();
}
