import { subjectOf, type Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso, parseWindow } from '../../core/time.js';
import { ValidationError } from '../../errors.js';
import type { GrantRow, RecordRow, Scope } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import type { MeaningfulChange, TypeDef } from '../catalogue/model.js';
import type { RecordContent } from '../records/compose.js';
import { ownScope } from '../records/service.js';
import { readScope } from '../records/slice.js';
import type { Trend, TrendQuery } from './schemas.js';
import { MAX_SERIES_RECORDS, openContents, rowsOldestFirst, seriesReader } from './series.js';
import { dailyMeans, type DailyMean } from '../series/daily.js';

/** Which way is better for this series: an item's own direction first (ONS4 anxiety), else the instrument's. */
function improvementOf(def: TypeDef, item: number | undefined): MeaningfulChange['improvement'] | null {
  const own = item !== undefined ? def.questionnaire?.items[item - 1]?.improvement : undefined;
  return own ?? def.meaningfulChange?.improvement ?? null;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The part of a trend computed from its points: change, its direction, whether it is meaningful. */
export function assessChange(def: TypeDef, item: number | undefined, baseline: number | undefined, latest: number | undefined) {
  const mc = def.meaningfulChange ?? null;
  if (baseline === undefined || latest === undefined) return { change: null, direction: null, meaningful: null };
  const change = round2(latest - baseline);
  const improvement = improvementOf(def, item);
  const direction = improvement === null ? null : change === 0 ? 'same' : (change > 0) === (improvement === 'increase') ? 'better' : 'worse';
  // Item thresholds are not published: an item reported on its own is never called meaningful.
  const threshold = item === undefined ? (mc?.threshold ?? null) : null;
  return { change, direction, meaningful: threshold === null ? null : Math.abs(change) >= threshold } as const;
}

async function typeOf(deps: Deps, subjectId: string, code: string): Promise<TypeDef> {
  const def = (await deps.catalogueOf(subjectId, [code])).type(code);
  if (!def) throw ValidationError.query('type', `unknown type "${code}"; see /v1/catalogue/types`);
  return def;
}

/** Builds a trend from a person's rows of one type, oldest first. */
function buildTrend(def: TypeDef, q: TrendQuery, rows: RecordRow[], contents: RecordContent[], days: DailyMean[] = []): { trend: Trend; recordIds: string[] } {
  const read = seriesReader(def, { item: q.item, component: q.component }, 'query');
  const timed: { at: number; point: Trend['points'][number] }[] = [];
  rows.forEach((row, i) => {
    const c = contents[i]!;
    if (q.goalId !== undefined && row.id !== q.goalId && c.goalId !== q.goalId) return;
    const v = read(c);
    if (v) timed.push({ at: row.effectiveAt, point: { at: iso(row.effectiveAt), score: v.score, band: v.band, recordId: row.id } });
  });
  // A day of a dense series is one point, its mean; records and days in time order.
  for (const d of days) timed.push({ at: d.at, point: { at: iso(d.at), score: d.mean, band: null, recordId: d.chunkId } });
  if (days.length) timed.sort((a, b) => a.at - b.at);
  const points = timed.map((t) => t.point);
  const baseline = points[0] ?? null;
  const latest = points.length > 1 ? points[points.length - 1]! : null;
  const trend: Trend = {
    type: def.code,
    ...(q.item !== undefined ? { item: q.item } : {}),
    ...(q.component !== undefined ? { component: q.component } : {}),
    ...(q.goalId !== undefined ? { goalId: q.goalId } : {}),
    points,
    baseline,
    latest: latest ?? baseline,
    ...assessChange(def, q.item, baseline?.score, latest?.score),
    meaningfulChange: def.meaningfulChange ?? null,
  };
  return { trend, recordIds: points.map((p) => p.recordId) };
}

/** @param supporter a supporter's read leaves out records resolved as entered in error (docs/care-team.md) */
async function trendIn(deps: Deps, scope: Scope, def: TypeDef, q: TrendQuery, supporter: boolean) {
  if (def.text?.series && q.goalId === undefined) throw ValidationError.query('goalId', `is required for "${def.code}": a trend follows one goal`);
  if (q.goalId !== undefined && !def.text?.series) throw ValidationError.query('goalId', `is not used by "${def.code}"`);
  const window = parseWindow(q, 'query');
  const rows = await rowsOldestFirst(deps, scope, { types: [def.code], ...window, ...(supporter ? { hideEnteredInError: true } : {}) });
  const days = def.measure?.series ? await dailyMeans(deps, scope, def.code, window, MAX_SERIES_RECORDS) : [];
  return buildTrend(def, q, rows, await openContents(deps, scope.subjectId, rows), days);
}

/** A person's own trend in one type (or, for a delegate, the trend of the person they act for). */
export async function ownTrend(deps: Deps, actor: Actor, q: TrendQuery): Promise<Trend> {
  const subjectId = subjectOf(actor);
  const def = await typeOf(deps, subjectId, q.type);
  return (await trendIn(deps, ownScope(subjectId), def, q, false)).trend;
}

/**
 * A supporter's view of a person's trend: only records its read grants cover, logged in the
 * person's access log like a read of those records.
 * @throws ForbiddenError when no read grant covers the type
 */
export async function supporterTrend(deps: Deps, actor: Actor, subjectId: string, grants: GrantRow[], q: TrendQuery): Promise<Trend> {
  const def = await typeOf(deps, subjectId, q.type);
  const scope = readScope(deps.catalogue, subjectId, grants, { types: [def.code], limit: 1 });
  const { trend, recordIds } = await trendIn(deps, scope, def, q, true);
  const logged: Record<string, unknown> = { type: q.type };
  for (const k of ['item', 'component', 'goalId', 'from', 'to'] as const) if (q[k] !== undefined) logged[k] = q[k];
  await deps.storage.accessLog.append(logEntry(actor, subjectId, 'trends.read', deps.clock.now(), { grantIds: grants.map((g) => g.id), recordIds, query: logged }));
  return trend;
}
