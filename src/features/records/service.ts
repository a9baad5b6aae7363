import { timeOrderedId } from '../../crypto/secrets.js';
import { subjectOf, type Actor } from '../../core/actor.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, parseWindow } from '../../core/time.js';
import { openRecord, RECORD_LAYOUT, sealRecord } from '../../crypto/envelope.js';
import { NotFoundError, ValidationError, type FieldError } from '../../errors.js';
import type { RecordQuery, RecordRow, Scope, SeriesChunkRow, WriteEffects } from '../../storage/contract.js';
import { queryPredicate, scopePredicate } from '../../core/slice.js';
import { openSeriesRows } from '../series/view.js';
import { publishAlerts } from '../alerts/service.js';
import { watchEffects, type Written } from '../watches/evaluate.js';
import { logEntry } from '../access-log/entry.js';
import { composeRecord, type ComposedRecord, type RecordContent, type RecordInput } from './compose.js';
import { catalogueForCodes, PERSONAL_PREFIX } from '../catalogue/bespoke.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { disputeSummary } from './disputes.js';
import type { RecordQueryInput, RecordView } from './schemas.js';


// Defined with the slice predicate; the features import it from here.
export { ownScope } from '../../core/slice.js';

/** Who a write is attributed to: the person, their delegate, a practitioner or a client system. */
export function sourceOf(actor: Actor): Pick<RecordRow, 'sourceKind' | 'sourceAccountId' | 'sourceOrganisationId'> {
  if (actor.onBehalfOf) return { sourceKind: 'delegate', sourceAccountId: actor.accountId, sourceOrganisationId: null };
  const kind = actor.kind === 'citizen' ? 'self' : actor.kind === 'client' ? 'client' : 'practitioner';
  return { sourceKind: kind, sourceAccountId: actor.accountId, sourceOrganisationId: actor.organisationId };
}

export interface PreparedRecords {
  rows: RecordRow[];
  views: RecordView[];
  /** Alerts the new records raise, with their log entries and webhook deliveries. */
  effects: WriteEffects;
}

/**
 * Validates, scores, seals and prepares records for one person (not yet stored), so callers
 * can store them with whatever else must commit in the same transaction.
 * @throws ValidationError naming fields (prefixed `records.i.` for batches)
 */
export async function prepareRecords(
  deps: Deps,
  actor: Actor,
  subjectId: string,
  inputs: RecordInput[],
  batch: boolean,
): Promise<PreparedRecords> {
  const where = batch ? (i: number) => ({ field: `records.${i}`, pointer: `/records/${i}` }) : undefined;
  // A person's own measures are in their catalogue only (docs/outcomes.md "Bespoke measures").
  const catalogue = await catalogueForCodes(deps, subjectId, inputs.map((i) => i.type));
  return sealComposed(deps, actor, subjectId, composeAll(deps, inputs, where, catalogue), where);
}

/** Names input i in errors: its field prefix and JSON pointer. */
type Where = (i: number) => { field: string; pointer: string };

/**
 * Checks and scores many record bodies, collecting every error.
 * @param where names input i in errors (its field prefix and pointer); without it, one input's errors stand as they are
 * @throws ValidationError naming each bad field of each input
 */
export function composeAll(deps: Deps, inputs: RecordInput[], where?: Where, catalogue: Catalogue = deps.catalogue): ComposedRecord[] {
  const now = deps.clock.now();
  const errors: FieldError[] = [];
  const composed = inputs.map((input, i) => {
    try {
      return composeRecord(catalogue, input, now);
    } catch (e) {
      if (!(e instanceof ValidationError) || !where) throw e;
      const at = where(i);
      errors.push(...e.errors.map((f) => ({ ...f, field: `${at.field}.${f.field}`, pointer: `${at.pointer}${f.pointer}` })));
      return undefined;
    }
  });
  if (errors.length) throw new ValidationError(errors);
  return composed as ComposedRecord[];
}

/**
 * Seals checked records with the person's data key and works out what they set off (watches).
 * @param options.views build the records' views (the answer to a write); imports answer with a
 *   job, not records, and leave them out
 */
export async function sealComposed(
  deps: Deps,
  actor: Actor,
  subjectId: string,
  composed: ComposedRecord[],
  where?: Where,
  options: { views?: boolean } = {},
): Promise<PreparedRecords> {
  const withViews = options.views ?? true;
  const now = deps.clock.now();
  const dek = await deps.dataKeys.forSubject(subjectId);
  await checkGoalIds(deps, subjectId, dek, composed.map((c) => c.content.goalId), where);
  await checkOrganisations(deps, composed.map((c) => c.content.organisationId), where);
  const rows: RecordRow[] = [];
  const views: RecordView[] = [];
  const written: Written[] = [];
  const source = sourceOf(actor);
  for (const c of composed) {
    const row: RecordRow = {
      id: timeOrderedId(now),
      subjectId,
      category: c.category,
      type: c.type,
      effectiveAt: c.effectiveAt,
      createdAt: now,
      sourceKind: source.sourceKind,
      sourceAccountId: source.sourceAccountId,
      sourceOrganisationId: source.sourceOrganisationId,
      // Stored per row, so rows sealed with an older layout stay readable.
      schemaVersion: RECORD_LAYOUT,
      payload: EMPTY,
    };
    row.payload = sealRecord(dek, row, c.content);
    rows.push(row);
    if (withViews) views.push(toView(row, c.content));
    written.push({ row, content: c.content });
  }
  return { rows, views, effects: await watchEffects(deps, subjectId, dek, written) };
}

/**
 * A progress update must name the first record of one of the person's own goals, so that each
 * goal is one series (docs/outcomes.md "Goals").
 * @throws ValidationError naming `goalId` (or `records.i.goalId`)
 */
async function checkGoalIds(deps: Deps, subjectId: string, dek: Uint8Array, goalIds: (string | undefined)[], where?: Where): Promise<void> {
  const wanted = [...new Set(goalIds.filter((g): g is string => g !== undefined))];
  if (wanted.length === 0) return;
  const found = new Map((await deps.storage.records.getMany(subjectId, wanted)).map((r) => [r.id, r]));
  const errors: FieldError[] = [];
  goalIds.forEach((goalId, i) => {
    if (goalId === undefined) return;
    const row = found.get(goalId);
    const field = where ? `${where(i).field}.goalId` : 'goalId';
    const pointer = where ? `${where(i).pointer}/goalId` : '/goalId';
    if (!row || row.type !== 'goal') errors.push({ field, pointer, in: 'body', detail: 'is not one of this person’s goals' });
    else if (openRecord<RecordContent>(dek, row, row.payload).goalId !== undefined) {
      errors.push({ field, pointer, in: 'body', detail: 'names a progress update; name the goal’s first record' });
    }
  });
  if (errors.length) throw new ValidationError(errors);
}

/**
 * Feedback on support names an organisation that exists (docs/care-team.md "Feedback on support").
 * @throws ValidationError naming `organisationId` (or `records.i.organisationId`)
 */
async function checkOrganisations(deps: Deps, ids: (string | undefined)[], where?: Where): Promise<void> {
  const wanted = [...new Set(ids.filter((o): o is string => o !== undefined))];
  if (wanted.length === 0) return;
  const known = new Set((await Promise.all(wanted.map((id) => deps.storage.organisations.get(id)))).filter((o) => o !== undefined).map((o) => o.id));
  const errors: FieldError[] = [];
  ids.forEach((id, i) => {
    if (id === undefined || known.has(id)) return;
    const field = where ? `${where(i).field}.organisationId` : 'organisationId';
    const pointer = where ? `${where(i).pointer}/organisationId` : '/organisationId';
    errors.push({ field, pointer, in: 'body', detail: 'is not an organisation on this service' });
  });
  if (errors.length) throw new ValidationError(errors);
}

/**
 * A delegate reading the person's own records is someone else reading them: the person's log
 * says so, naming the delegate and whom they acted for (docs/care-team.md "Delegates"). The
 * person's own reads are not logged.
 */
export async function logDelegateRead(deps: Deps, actor: Actor, items: RecordView[]): Promise<void> {
  if (!actor.onBehalfOf) return;
  const subjectId = subjectOf(actor);
  await deps.storage.accessLog.append(logEntry(actor, subjectId, 'records.read', deps.clock.now(), { recordIds: items.map((r) => r.id), query: { delegation: actor.onBehalfOf.delegationId } }));
}

/** Adds records to the caller's own store. */
export async function createOwnRecord(deps: Deps, actor: Actor, input: RecordInput): Promise<RecordView> {
  const { rows, views, effects } = await prepareRecords(deps, actor, subjectOf(actor), [input], false);
  await deps.storage.records.insert(rows, effects);
  publishAlerts(deps, effects.alerts);
  return withSignposting(deps, views[0]!);
}

/**
 * A person whose own answers raise a self-harm risk is told at once where to get help
 * (TESSERA_SIGNPOSTING), in the answer to the record and in its own view; the alerts to their
 * supporters follow separately.
 */
export function withSignposting(deps: Deps, view: RecordView): RecordView {
  return view.flags?.includes('self-harm-risk') ? { ...view, signposting: deps.config.signposting } : view;
}

/** A row's payload before it is sealed (the row is its own binding). */
const EMPTY = new Uint8Array(0);

let lastCreated = { at: NaN, text: '' };

export function toView(row: RecordRow, content: RecordContent): RecordView {
  // Records written together share createdAt: format it once (a 500-record batch formats 500 times otherwise).
  if (row.createdAt !== lastCreated.at) lastCreated = { at: row.createdAt, text: iso(row.createdAt) };
  return {
    id: row.id,
    subjectId: row.subjectId,
    category: row.category,
    type: row.type,
    effectiveAt: iso(row.effectiveAt),
    createdAt: lastCreated.text,
    source: { kind: row.sourceKind, accountId: row.sourceAccountId, organisationId: row.sourceOrganisationId },
    ...content,
  };
}

/**
 * Opens stored rows with the person's data key.
 * @throws IntegrityError when any row was moved or edited behind the service's back
 */
export async function openRows(deps: Deps, subjectId: string, rows: RecordRow[]): Promise<RecordView[]> {
  if (rows.length === 0) return [];
  const dek = await deps.dataKeys.forSubject(subjectId);
  const views = rows.map((r) => toView(r, openRecord<RecordContent>(dek, r, r.payload)));
  // Every view of a disputed record carries the dispute (docs/care-team.md, "Disputes").
  const disputes = await deps.storage.disputes.forRecords(subjectId, rows.map((r) => r.id));
  if (disputes.length === 0) return views;
  const byRecord = new Map(disputes.map((d) => [d.recordId, d]));
  for (const v of views) {
    const d = byRecord.get(v.id);
    if (d) v.dispute = disputeSummary(dek, d);
  }
  return views;
}

/** Turns list query parameters into a storage query, checking codes against the catalogue. */
export function toRecordQuery(deps: Deps, q: RecordQueryInput): RecordQuery {
  const errors: FieldError[] = [];
  for (const c of q.category ?? []) {
    if (!deps.catalogue.category(c)) errors.push({ field: 'category', pointer: '/category', in: 'query', detail: deps.catalogue.unknownCategory(c) });
  }
  for (const t of q.type ?? []) {
    // A person's own measures are not in the shared catalogue; their codes are theirs to filter by.
    if (!deps.catalogue.type(t) && !t.startsWith(PERSONAL_PREFIX)) errors.push({ field: 'type', pointer: '/type', in: 'query', detail: deps.catalogue.unknownType(t) });
  }
  let window: ReturnType<typeof parseWindow> = {};
  try {
    window = parseWindow(q, 'query');
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    errors.push(...e.errors);
  }
  if (errors.length) throw new ValidationError(errors);
  const query: RecordQuery = { limit: q.limit ?? 50, ...window };
  if (q.category) query.categories = q.category;
  if (q.type) query.types = q.type;
  if (q.cursor) {
    const c = decodeCursor<{ e: number; i: string }>(q.cursor, { e: 'number', i: 'string' });
    query.after = { effectiveAt: c.e, id: c.i };
  }
  return query;
}

/** Where an item stands in a list: a record by its effectiveAt, a series chunk by its day. */
interface Position {
  effectiveAt: number;
  id: string;
}

/** Series readings one page may hold (docs/performance.md "Dense series"). */
export const PAGE_READINGS = 100_000;

/** One entry of a merged page: a record row, or a series chunk. */
type Candidate = { at: number; id: string; createdAt: number; changedAt: number } & ({ row: RecordRow; chunk?: undefined } | { chunk: SeriesChunkRow; row?: undefined });

/**
 * Lists records within a scope, newest first (or oldest first with `order: 'asc'`), dense
 * series merged in: a chunk is one item, placed by its UTC day (docs/performance.md "Dense
 * series"), holding the readings the scope and filters select. A page may hold fewer items
 * than the limit when a chunk has none of its readings inside the window; the cursor still
 * leads on.
 * @returns one page, the cursor of the next (null on the last page), the next position, and
 *   when each item was first stored and last changed (a chunk changes as readings join it;
 *   aligned with `items`)
 */
export async function listRecords(
  deps: Deps,
  scope: Scope,
  query: RecordQuery,
): Promise<{ items: RecordView[]; nextCursor: string | null; next: Position | null; created: number[]; changed: number[] }> {
  // One extra candidate tells whether another page exists without a count query.
  const wanted = { ...query, limit: query.limit + 1 };
  const [rows, chunks] = await Promise.all([deps.storage.records.list(scope, wanted), deps.storage.series.list(scope, wanted)]);
  const candidates: Candidate[] = [
    ...rows.map((row) => ({ at: row.effectiveAt, id: row.id, createdAt: row.createdAt, changedAt: row.createdAt, row })),
    ...chunks.map((chunk) => ({ at: chunk.day, id: chunk.id, createdAt: chunk.createdAt, changedAt: chunk.updatedAt, chunk })),
  ];
  if (chunks.length) {
    const sign = query.order === 'asc' ? 1 : -1;
    candidates.sort((a, b) => sign * (a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }
  // A page also ends before it holds more than PAGE_READINGS series readings (a day of
  // readings a second is 86,400), so no answer grows without bound; the cursor leads on.
  let readings = 0;
  let size = 0;
  for (; size < Math.min(query.limit, candidates.length); size++) {
    const c = candidates[size]!;
    if (c.chunk) readings += c.chunk.count;
    if (size > 0 && readings > PAGE_READINGS) break;
  }
  const page = candidates.slice(0, size);
  const last = page[page.length - 1];
  const next = candidates.length > size && last ? { effectiveAt: last.at, id: last.id } : null;
  const rowViews = await openRows(deps, scope.subjectId, page.flatMap((c) => (c.row ? [c.row] : [])));
  const pageChunks = page.flatMap((c) => (c.chunk ? [c.chunk] : []));
  const chunkViews = pageChunks.length ? await openSeriesRows(deps, scope.subjectId, pageChunks, queryPredicate(scope, query)) : [];
  const items: RecordView[] = [];
  const created: number[] = [];
  const changed: number[] = [];
  let [r, k] = [0, 0];
  for (const c of page) {
    const view = c.row ? rowViews[r++] : chunkViews[k++];
    if (!view) continue;
    items.push(view);
    created.push(c.createdAt);
    changed.push(c.changedAt);
  }
  return { items, nextCursor: next ? encodeCursor({ e: next.effectiveAt, i: next.id }) : null, next, created, changed };
}

/** @throws NotFoundError when the record (or series chunk) is outside the scope or absent */
export async function getRecord(deps: Deps, scope: Scope, id: string): Promise<RecordView> {
  const row = await deps.storage.records.get(scope, id);
  if (row) {
    const [view] = await openRows(deps, scope.subjectId, [row]);
    return view!;
  }
  const chunk = await deps.storage.series.get(scope, id);
  const [view] = chunk ? await openSeriesRows(deps, scope.subjectId, [chunk], scopePredicate(scope)) : [];
  if (!view) throw new NotFoundError('No such record');
  return view;
}

/**
 * Deletes one of the caller's own records; the deletion shows in their access log.
 * @throws NotFoundError when the person has no such record (another person's id included)
 */
export async function deleteOwnRecord(deps: Deps, actor: Actor, id: string): Promise<void> {
  const subjectId = subjectOf(actor);
  const now = deps.clock.now();
  const log = logEntry(actor, subjectId, 'records.delete', now, { recordIds: [id] });
  // A series chunk's id deletes that day's readings from its writer (docs/performance.md "Dense series").
  if (!(await deps.storage.records.delete(subjectId, id, log)) && !(await deps.storage.series.delete(subjectId, id, log))) {
    throw new NotFoundError('No such record');
  }
}
