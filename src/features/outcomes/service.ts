import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { checkGrant } from '../../core/integrity.js';
import { ValidationError } from '../../errors.js';
import type { GrantRow, LogEntryInput, RecordRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import type { BandDef, TypeDef } from '../catalogue/model.js';
import { sliceOf } from '../../core/slice.js';
import type { RecordContent } from '../records/compose.js';
import { openContents, rowsOldestFirst, seriesReader, type SeriesReader } from '../trends/series.js';
import { discloseCells, type TrueCell, type ValueKind } from './disclosure.js';
import type { Group, OutcomesAnswer, OutcomesQuery } from './schemas.js';
import { monthOf, outcomeWindow, type OutcomeWindow } from './window.js';

/**
 * Outcome reporting (docs/outcomes.md): aggregates over the
 * people who gave an organisation outcome-reporting consent, computed from their records with
 * their own keys, published only through {@link discloseCells}, and logged in each counted
 * person's access log. No row, id or score of one person leaves this module.
 */

type Measure = OutcomesQuery['measure'];
type Dimension = NonNullable<OutcomesQuery['groupBy']>[number];

const VALUE_KIND: Record<Measure, ValueKind> = {
  count: 'count',
  mean: 'mean',
  change: 'mean',
  'meaningful-change': 'share',
  'goal-attainment': 'share',
};

/** Fixed order of the group dimensions in every answer, whatever order the query names them in. */
const DIMENSIONS: Dimension[] = ['month', 'band', 'source-organisation'];

/** What one person adds to one cell. */
interface Contribution {
  group: Group;
  value: number;
  records: number;
}

interface Plan {
  def: TypeDef;
  measure: Measure;
  groupBy: Dimension[];
  window: OutcomeWindow;
  read: SeriesReader | null;
  threshold: number | null;
  improvement: 'increase' | 'decrease';
  bands: BandDef[] | null;
}

function groupOf(groupBy: Dimension[], row: RecordRow, band: string | null): Group {
  const g: Group = {};
  if (groupBy.includes('month')) g.month = monthOf(row.effectiveAt);
  if (groupBy.includes('band')) g.band = band;
  if (groupBy.includes('source-organisation')) g.sourceOrganisationId = row.sourceOrganisationId;
  return g;
}

function keyOf(g: Group): string {
  return JSON.stringify([g.month ?? null, g.band ?? null, g.sourceOrganisationId ?? null]);
}

/** Checks the query against the catalogue and settles how each record is read. */
function plan(deps: Deps, q: OutcomesQuery, now: number): Plan {
  const def = deps.catalogue.type(q.type);
  if (!def) throw ValidationError.body('type', `unknown type "${q.type}"; see /v1/catalogue/types`);
  const groupBy = DIMENSIONS.filter((d) => (q.groupBy ?? []).includes(d));
  const window = outcomeWindow(q, now);
  const sel = { item: q.item, component: q.component };
  let read: SeriesReader | null = null;
  if (q.measure === 'goal-attainment') {
    if (!def.text?.series) throw ValidationError.body('measure', `goal-attainment counts goals; "${def.code}" is not a goal type`);
    if (groupBy.includes('band')) throw ValidationError.body('groupBy', 'band is not used by goal-attainment');
    if (q.item !== undefined || q.component !== undefined) throw ValidationError.body(q.item !== undefined ? 'item' : 'component', 'is not used by goal-attainment');
  } else if (q.measure !== 'count' || q.item !== undefined || q.component !== undefined || groupBy.includes('band')) {
    read = seriesReader(def, sel, 'body');
  }
  const mc = def.meaningfulChange;
  const threshold = q.item === undefined ? (mc?.threshold ?? null) : null;
  if (q.measure === 'meaningful-change' && threshold === null) {
    throw ValidationError.body('measure', `no meaningful change is published for "${def.code}"${q.item !== undefined ? ' items' : ''}; see its meaningfulChange in /v1/catalogue/types`);
  }
  let bands: BandDef[] | null = null;
  if (groupBy.includes('band')) {
    bands = (q.item !== undefined ? def.questionnaire?.items[q.item - 1]?.bands : def.questionnaire?.scoring.bands) ?? null;
    if (!bands) throw ValidationError.body('groupBy', `"${def.code}" has no bands to group by`);
  }
  const improvement = (q.item !== undefined ? def.questionnaire?.items[q.item - 1]?.improvement : undefined) ?? mc?.improvement ?? 'increase';
  return { def, measure: q.measure, groupBy, window, read, threshold, improvement, bands };
}

/** What one person adds to the answer, and which of their records it drew on. */
function contribute(p: Plan, rows: RecordRow[], contents: RecordContent[]): { contributions: Contribution[]; recordIds: string[] } {
  const inWindow = (r: RecordRow) => r.effectiveAt >= p.window.from && r.effectiveAt <= p.window.to;
  const obs = rows.map((row, i) => ({ row, c: contents[i]!, v: p.read ? p.read(contents[i]!) : undefined }));

  if (p.measure === 'goal-attainment') {
    const series = new Map<string, { status: string | undefined; rows: RecordRow[] }>();
    for (const o of obs) {
      const id = o.c.goalId ?? o.row.id;
      const s = series.get(id) ?? { status: undefined, rows: [] };
      s.status = o.c.status ?? s.status;
      s.rows.push(o.row);
      series.set(id, s);
    }
    const live = [...series.values()].filter((s) => s.rows.some(inWindow));
    if (live.length === 0) return { contributions: [], recordIds: [] };
    const used = live.flatMap((s) => s.rows.filter(inWindow));
    const latest = used.reduce((a, b) => (b.effectiveAt >= a.effectiveAt ? b : a));
    const attained = live.some((s) => s.status === 'achieved');
    return { contributions: [{ group: groupOf(p.groupBy, latest, null), value: attained ? 1 : 0, records: used.length }], recordIds: used.map((r) => r.id) };
  }

  const valued = obs.filter((o) => inWindow(o.row) && (p.read === null || o.v !== undefined));
  if (p.measure === 'count') {
    const byKey = new Map<string, Contribution>();
    for (const o of valued) {
      const group = groupOf(p.groupBy, o.row, o.v?.band ?? null);
      const c = byKey.get(keyOf(group)) ?? { group, value: 0, records: 0 };
      c.records += 1;
      byKey.set(keyOf(group), c);
    }
    return { contributions: [...byKey.values()], recordIds: valued.map((o) => o.row.id) };
  }
  if (p.measure === 'mean') {
    // Each person once per cell, by their latest record in it: a frequent recorder weighs no more.
    const byKey = new Map<string, { group: Group; o: (typeof valued)[number] }>();
    for (const o of valued) {
      const group = groupOf(p.groupBy, o.row, o.v!.band);
      byKey.set(keyOf(group), { group, o });
    }
    const picked = [...byKey.values()];
    return { contributions: picked.map(({ group, o }) => ({ group, value: o.v!.score, records: 1 })), recordIds: picked.map(({ o }) => o.row.id) };
  }
  // change and meaningful-change: first to latest in the window, grouped by where the person started.
  if (valued.length < 2) return { contributions: [], recordIds: [] };
  const first = valued[0]!;
  const last = valued[valued.length - 1]!;
  const change = last.v!.score - first.v!.score;
  const group = groupOf(p.groupBy, first.row, first.v!.band);
  let value = change;
  if (p.measure === 'meaningful-change') {
    const improved = p.improvement === 'increase' ? change >= p.threshold! : change <= -p.threshold!;
    value = improved ? 1 : 0;
  }
  return { contributions: [{ group, value, records: 2 }], recordIds: [first.row.id, last.row.id] };
}

/** Every group the answer shows: each month and band of the window, and the source organisations present. */
function enumerate(p: Plan, present: Group[]): Group[] {
  let groups: Group[] = [{}];
  for (const d of p.groupBy) {
    let values: (string | null)[];
    if (d === 'month') values = p.window.months;
    else if (d === 'band') values = [...p.bands!.map((b) => b.code), ...new Set(present.map((g) => g.band ?? null).filter((b) => !p.bands!.some((x) => x.code === b)))];
    else values = [...new Set(present.map((g) => g.sourceOrganisationId ?? null))].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
    const field = d === 'month' ? 'month' : d === 'band' ? 'band' : 'sourceOrganisationId';
    groups = groups.flatMap((g) => values.map((v) => ({ ...g, [field]: v })));
  }
  return groups;
}

/** The people an outcomes query may count: active aggregate grants to the caller's organisation covering the type. */
async function cohort(deps: Deps, actor: Actor, def: TypeDef, now: number): Promise<Map<string, GrantRow[]>> {
  const grants = await deps.storage.grants.aggregateFor(actor.organisationId!, actor.kind, now);
  const bySubject = new Map<string, GrantRow[]>();
  for (const g of grants) {
    checkGrant(deps.keyring, g);
    // Categories are applied by the slice itself; a grant naming types must name this one.
    if (g.types && !g.types.includes(def.code)) continue;
    bySubject.set(g.subjectId, [...(bySubject.get(g.subjectId) ?? []), g]);
  }
  return bySubject;
}

/**
 * Answers an outcomes query for the caller's organisation.
 * @throws ValidationError naming the field when the query does not fit the type or the window rules
 */
export async function queryOutcomes(deps: Deps, actor: Actor, q: OutcomesQuery): Promise<OutcomesAnswer> {
  const now = deps.clock.now();
  const p = plan(deps, q, now);
  const cells = new Map<string, { group: Group; n: number; sum: number; records: number }>();
  const logs: LogEntryInput[] = [];
  const logged: Record<string, unknown> = {
    organisationId: actor.organisationId,
    type: p.def.code,
    measure: p.measure,
    from: p.window.months[0],
    to: p.window.months[p.window.months.length - 1],
    groupBy: p.groupBy,
  };
  if (q.item !== undefined) logged.item = q.item;
  if (q.component !== undefined) logged.component = q.component;

  for (const [subjectId, grants] of await cohort(deps, actor, p.def, now)) {
    const scope = { subjectId, slices: grants.map(sliceOf) };
    // Goal attainment needs a goal's earlier records too: its status may have been set before the window.
    // A record its writer resolved as entered in error counts for no one.
    const rows = await rowsOldestFirst(deps, scope, { types: [p.def.code], to: p.window.to, hideEnteredInError: true, ...(p.measure === 'goal-attainment' ? {} : { from: p.window.from }) });
    if (rows.length === 0) continue;
    const { contributions, recordIds } = contribute(p, rows, await openContents(deps, subjectId, rows));
    if (contributions.length === 0) continue;
    for (const c of contributions) {
      const cell = cells.get(keyOf(c.group)) ?? { group: c.group, n: 0, sum: 0, records: 0 };
      cell.n += 1;
      cell.sum += c.value;
      cell.records += c.records;
      cells.set(keyOf(c.group), cell);
    }
    logs.push(logEntry(actor, subjectId, 'outcomes.query', now, { grantIds: grants.map((g) => g.id), recordIds, query: logged }));
  }

  const kind = VALUE_KIND[p.measure];
  const truth: TrueCell<Group>[] = enumerate(p, [...cells.values()].map((c) => c.group)).map((group) => {
    const c = cells.get(keyOf(group));
    if (!c) return { group, n: 0, value: kind === 'count' ? 0 : null };
    return { group, n: c.n, value: kind === 'count' ? c.records : c.sum / c.n };
  });
  const disclosed = discloseCells(truth, kind);
  // Every person counted hears of it before anyone hears the answer.
  await Promise.all(logs.map((l) => deps.storage.accessLog.append(l)));

  const answer: OutcomesAnswer = {
    type: p.def.code,
    measure: p.measure,
    from: logged.from as string,
    to: logged.to as string,
    groupBy: p.groupBy,
    meaningfulChange: p.def.meaningfulChange ?? null,
    ...disclosed,
  };
  if (q.item !== undefined) answer.item = q.item;
  if (q.component !== undefined) answer.component = q.component;
  return answer;
}
