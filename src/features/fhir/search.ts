import { Type, type Static } from 'typebox';
import type { Actor } from '../../core/actor.js';
import { decodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { scopeAllows } from '../../core/smart-scopes.js';
import { parseInstant } from '../../core/time.js';
import { CursorSchema } from '../../core/schemas.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { RecordQuery } from '../../storage/contract.js';
import { grantsAllowing } from '../../plugins/access.js';
import type { RecordResourceType } from '../catalogue/fhir-types.js';
import { catalogueFor } from '../catalogue/bespoke.js';
import type { RecordView } from '../records/schemas.js';
import { listRecords, ownScope } from '../records/service.js';
import { narrowScope, scopedTypes } from '../records/slice.js';
import { readScoped } from '../records/supporter-service.js';
import { hl7CategoryOf, OBSERVATION_CATEGORY_SYSTEM, recordResources, typesForCodings, type FhirContext, type Resource } from './resources.js';

/*
 * FHIR R4 searches over a person's records (docs/fhir.md "Searches"). The parameters become a
 * RecordQuery and a set of record types; the read itself is the one `/v1/subjects/{id}/records`
 * makes (readScoped: the grants' slices, the same access-log entry).
 */

const Token = Type.String({ minLength: 1, maxLength: 1000, description: 'Comma-separated tokens (`system|code` or `code`), any of which may match' });

export const SearchQuerySchema = Type.Object(
  {
    patient: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: '`Patient/{subjectId}` or the subject id; required for supporters' })),
    code: Type.Optional(Token),
    category: Type.Optional(Token),
    date: Type.Optional(
      Type.Array(Type.String({ minLength: 4, maxLength: 40 }), {
        maxItems: 4,
        description: 'A date or date-time with an optional prefix `eq`, `ge`, `gt`, `le`, `lt`; repeat to bound both ends',
      }),
    ),
    _count: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (1–500, default 50)' })),
    _sort: Type.Optional(Type.Enum(['date', '-date'], { description: 'By date: `-date` newest first (default), `date` oldest first' })),
    _cursor: Type.Optional(CursorSchema),
    _format: Type.Optional(Type.Enum(['json', 'application/json', 'application/fhir+json'])),
  },
  { additionalProperties: false },
);

export type SearchQuery = Static<typeof SearchQuerySchema>;

const subjectRef = /^(?:Patient\/)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

function invalid(field: string, detail: string): ValidationError {
  return ValidationError.query(field, detail);
}

/** @returns the person a `patient` parameter names */
export function patientOf(text: string): string {
  const m = subjectRef.exec(text);
  if (!m) throw invalid('patient', 'must be Patient/{id} or an id');
  return m[1]!.toLowerCase();
}

function tokens(text: string): { system?: string; code: string }[] {
  return text.split(',').map((t) => {
    const bar = t.indexOf('|');
    return bar < 0 ? { code: t } : { system: t.slice(0, bar) || undefined, code: t.slice(bar + 1) } as { system?: string; code: string };
  });
}


/**
 * `category`: Tessera's categories (CodeSystem/category) filter like `/v1`'s `category`; HL7's
 * observation categories select the record types filed under them.
 */
function categoryFilter(ctx: Pick<FhirContext, 'base' | 'catalogue'>, text: string): { categories?: string[]; types?: string[] } {
  const ownSystem = `${ctx.base}/fhir/CodeSystem/category`;
  const categories: string[] = [];
  const hl7: string[] = [];
  for (const t of tokens(text)) {
    const isOwn = (t.system === undefined || t.system === ownSystem) && ctx.catalogue.category(t.code);
    const isHl7 = (t.system === undefined || t.system === OBSERVATION_CATEGORY_SYSTEM) && ['survey', 'vital-signs', 'activity', 'laboratory'].includes(t.code);
    if (isOwn) categories.push(t.code);
    else if (isHl7) hl7.push(t.code);
    else throw invalid('category', `"${t.system ? `${t.system}|` : ''}${t.code}" is neither a Tessera category (see /v1/catalogue/categories) nor an observation category this server files records under`);
  }
  if (categories.length && hl7.length) throw invalid('category', 'give Tessera categories or observation categories, not both in one parameter');
  if (categories.length) return { categories };
  return { types: ctx.catalogue.types.filter((t) => hl7.includes(hl7CategoryOf(t) ?? '')).map((t) => t.code) };
}

const monthOrYear = /^(\d{4})(?:-(\d{2}))?$/;

/** The instants a FHIR date value covers, by its precision: a year, a month, a day or an instant. */
function dateRange(text: string): [number, number] | undefined {
  const m = monthOrYear.exec(text);
  if (m) {
    const year = Number(m[1]);
    const month = m[2] === undefined ? undefined : Number(m[2]) - 1;
    if (month !== undefined && (month < 0 || month > 11)) return undefined;
    const start = Date.UTC(year, month ?? 0, 1);
    const end = (month === undefined ? Date.UTC(year + 1, 0, 1) : Date.UTC(year, month + 1, 1)) - 1;
    return [start, end];
  }
  const start = parseInstant(text, 'start');
  const end = parseInstant(text, 'end');
  return start === undefined || end === undefined ? undefined : [start, end];
}

/** `date` parameters (each with an optional prefix) as one window on effectiveAt. */
function dateWindow(values: string[]): { from?: number; to?: number } {
  let from = -Infinity;
  let to = Infinity;
  for (const v of values) {
    const m = /^(eq|ge|gt|le|lt)?(.+)$/.exec(v)!;
    const range = dateRange(m[2]!);
    if (!range) throw invalid('date', `"${v}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a date-time with a zone), with an optional eq, ge, gt, le or lt`);
    const [start, end] = range;
    const prefix = m[1] ?? 'eq';
    if (prefix === 'eq' || prefix === 'ge') from = Math.max(from, start);
    if (prefix === 'gt') from = Math.max(from, end + 1);
    if (prefix === 'eq' || prefix === 'le') to = Math.min(to, end);
    if (prefix === 'lt') to = Math.min(to, start - 1);
  }
  if (from > to) throw invalid('date', 'the bounds leave no time between them');
  return { ...(from > -Infinity ? { from } : {}), ...(to < Infinity ? { to } : {}) };
}

/** What the person's access log shows of a FHIR search. */
function loggedQuery(resource: string, q: SearchQuery, limit: number): Record<string, unknown> {
  const logged: Record<string, unknown> = { resource, limit, page: q._cursor ? 'next' : 'first' };
  if (q.code) logged.code = q.code;
  if (q.category) logged.category = q.category;
  if (q.date) logged.date = q.date;
  if (q._sort) logged.sort = q._sort;
  return logged;
}

export interface SearchPage {
  resources: Resource[];
  nextCursor: string | null;
}

/** @returns the FHIR context of one person's resources as the API serves them, their own measures included */
export async function restContext(deps: Deps, subjectId: string): Promise<FhirContext> {
  return { base: deps.config.publicUrl.replace(/\/+$/, ''), catalogue: await catalogueFor(deps, subjectId), subjectId, refs: 'rest' };
}

/**
 * One page of a search on records of one resource type, for the person named by `patient`:
 * the caller's own store (citizens), or the slice its read grants and SMART scopes allow.
 * @throws ValidationError naming the parameter; NotFoundError for a person it holds no grant
 *   on (or another citizen); ForbiddenError for a filter outside every grant, or a scope that
 *   does not allow searching this type
 */
export async function searchRecords(deps: Deps, actor: Actor, resource: RecordResourceType, q: SearchQuery): Promise<SearchPage> {
  if (!scopeAllows(actor.scopes, resource, 's')) throw new ForbiddenError(`This token's SMART scopes do not allow searching ${resource}`);
  let subjectId: string;
  if (actor.kind === 'citizen') {
    subjectId = actor.subjectId!;
    if (q.patient !== undefined && patientOf(q.patient) !== subjectId) throw new NotFoundError('No such person');
  } else {
    if (q.patient === undefined) throw invalid('patient', 'is required: name the person (Patient/{id})');
    subjectId = patientOf(q.patient);
  }
  const ctx = await restContext(deps, subjectId);
  const limit = q._count ?? 50;
  const query: RecordQuery = { limit, order: q._sort === 'date' ? 'asc' : 'desc', ...(q.date ? dateWindow(q.date) : {}) };
  let types = scopedTypes(deps.catalogue, actor.scopes, 's', resource)!;
  // An unknown code matches nothing: an empty list, not a refusal.
  if (q.code) query.types = typesForCodings(ctx, tokens(q.code));
  if (q.category) {
    const filter = categoryFilter(ctx, q.category);
    if (filter.categories) query.categories = filter.categories;
    if (filter.types) types = types.filter((t) => filter.types!.includes(t));
  }
  if (q._cursor) {
    const c = decodeCursor<{ e: number; i: string }>(q._cursor, { e: 'number', i: 'string' });
    query.after = { effectiveAt: c.e, id: c.i };
  }
  let page: { items: RecordView[]; nextCursor: string | null };
  if (actor.kind === 'citizen') {
    page = await listRecords(deps, narrowScope(ownScope(subjectId), types), query);
  } else {
    const grants = await grantsAllowing(deps, actor, subjectId, 'read');
    page = await readScoped(deps, actor, subjectId, grants, query, types, loggedQuery(resource, q, limit));
  }
  const resources = page.items.flatMap((r) => recordResources(ctx, r).filter((x) => x.resourceType === resource));
  return { resources, nextCursor: page.nextCursor };
}

/**
 * A searchset Bundle with `self` and, when there is another page, `next` links: the request's
 * own URL with `_cursor` set (FHIR R4 §3.1.1.5.6 paging).
 */
export function searchsetBundle(deps: Deps, requestUrl: string, page: SearchPage, bundleId: string): Resource {
  const base = deps.config.publicUrl.replace(/\/+$/, '');
  const self = new URL(requestUrl, `${base}/`);
  const link = [{ relation: 'self', url: `${base}${self.pathname}${self.search}` }];
  if (page.nextCursor) {
    self.searchParams.set('_cursor', page.nextCursor);
    link.push({ relation: 'next', url: `${base}${self.pathname}?${self.searchParams.toString()}` });
  }
  return {
    resourceType: 'Bundle',
    id: bundleId,
    meta: { lastUpdated: new Date(deps.clock.now()).toISOString() },
    type: 'searchset',
    link,
    entry: page.resources.map((resource) => ({ fullUrl: `${base}/fhir/r4/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}
