import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { parseInstant } from '../../core/time.js';
import { scopeAllows, type ScopedResourceType } from '../../core/smart-scopes.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import { ForbiddenError, NotFoundError, TesseraError, ValidationError } from '../../errors.js';
import type { BulkExportRow, BulkPartRow, GrantRow, Scope } from '../../storage/contract.js';
import { verifiedHoldings } from '../../core/holdings.js';
import { sliceOf } from '../../core/slice.js';
import { logEntry } from '../access-log/entry.js';
import { listRecords } from '../records/service.js';
import { narrowScope } from '../records/slice.js';
import { resourceTypesOf } from '../catalogue/fhir-types.js';
import { patientResource, recordResources } from '../fhir/resources.js';
import { restContext } from '../fhir/search.js';

/*
 * FHIR Bulk Data Access 2.0 Group export of an organisation's caseload (docs/fhir.md "Bulk
 * Data"). The people and the grants are fixed at kick-off; each person's records are read in
 * pages of PAGE, turned into NDJSON lines and stored sealed with that person's own data key (so
 * erasing them erases their output too), and each person gets one access-log entry naming every
 * record exported. Files are served only once the export completed, only to the account that
 * started it, and only for people one of whose kick-off grants still holds.
 */

const PAGE = 500;
/** Output is kept this long after kick-off, then deleted. */
const KEEP_MS = 24 * 3600_000;
/** An export still running after this long was cut off by a restart. */
const STALE_MS = 60 * 60_000;

export const bulkTypes = ['Patient', 'Observation', 'QuestionnaireResponse', 'Goal'] as const;
export type BulkType = (typeof bulkTypes)[number];

export interface KickOff {
  _type?: string;
  _since?: string;
  _outputFormat?: string;
}

/** A person in the caseload and the organisation's read grants on them at kick-off. */
interface Member {
  subjectId: string;
  grants: GrantRow[];
}

/** @returns the types asked for (default: every type the token's scopes let it read) */
function typesOf(actor: Actor, q: KickOff): BulkType[] {
  const asked = q._type
    ? q._type.split(',').map((t) => t.trim())
    : bulkTypes.filter((t) => scopeAllows(actor.scopes, t, 'r'));
  for (const t of asked) {
    if (!(bulkTypes as readonly string[]).includes(t)) throw ValidationError.query('_type', `"${t}" is not a type this server exports (${bulkTypes.join(', ')})`);
    if (!scopeAllows(actor.scopes, t as ScopedResourceType, 'r')) throw new ForbiddenError(`This token's SMART scopes do not allow reading ${t}`);
  }
  if (asked.length === 0) throw new ForbiddenError("This token's SMART scopes allow reading none of the exported types");
  return [...new Set(asked)] as BulkType[];
}

/** The organisation's caseload as the caller may read it now: people with read grants reaching it. */
async function caseload(deps: Deps, actor: Actor, organisationId: string, now: number): Promise<Member[]> {
  const people = await deps.storage.grants.activeForOrganisation(organisationId, actor.kind, now);
  const out: Member[] = [];
  for (const p of people) {
    const grants = (await verifiedHoldings(deps, actor, p.subjectId, now)).filter((g) => g.access === 'read' && g.granteeOrganisationId === organisationId);
    if (grants.length) out.push({ subjectId: p.subjectId, grants });
  }
  return out;
}

export interface Started {
  id: string;
  running: Promise<void>;
}

/**
 * Kick-off: checks the request, fixes the caseload and its grants, stores the export and starts
 * it in the background.
 * @throws NotFoundError when the caller is not of the organisation (as for one that does not exist)
 */
export async function kickOff(deps: Deps, actor: Actor, organisationId: string, q: KickOff, requestUrl: string): Promise<Started> {
  if (actor.organisationId !== organisationId) throw new NotFoundError('No such Group');
  if (q._outputFormat && !['application/fhir+ndjson', 'application/ndjson', 'ndjson'].includes(q._outputFormat)) {
    throw ValidationError.query('_outputFormat', 'only application/fhir+ndjson is produced');
  }
  let since: number | null = null;
  if (q._since !== undefined) {
    const ms = parseInstant(q._since);
    if (ms === undefined) throw ValidationError.query('_since', 'must be an instant (RFC 3339 date-time with a zone)');
    since = ms;
  }
  const types = typesOf(actor, q);
  const now = deps.clock.now();
  await deps.storage.bulkExports.expire(now);
  const members = await caseload(deps, actor, organisationId, now);
  const row: BulkExportRow = {
    id: timeOrderedId(now),
    organisationId,
    accountId: actor.accountId,
    status: 'running',
    request: requestUrl,
    types,
    since,
    transactionTime: now,
    totalPeople: members.length,
    donePeople: 0,
    error: null,
    finishedAt: null,
    expiresAt: now + KEEP_MS,
  };
  await deps.storage.bulkExports.create(row);
  return { id: row.id, running: run(deps, actor, row, members) };
}

async function run(deps: Deps, actor: Actor, job: BulkExportRow, members: Member[]): Promise<void> {
  const seq = new Map<string, number>();
  try {
    for (const m of members) {
      if (!(await exportPerson(deps, actor, job, m, seq))) return;
      await yieldToLoop();
    }
    await deps.storage.bulkExports.finish(job.id, 'completed', null, deps.clock.now());
  } catch (e) {
    const why = e instanceof TesseraError ? e.code : 'TESSERA_INTERNAL';
    await deps.storage.bulkExports.finish(job.id, 'failed', why, deps.clock.now());
  }
}

/** Exports one person page by page. @returns false once the export was cancelled */
async function exportPerson(deps: Deps, actor: Actor, job: BulkExportRow, m: Member, seq: Map<string, number>): Promise<boolean> {
  const { subjectId } = m;
  const dek = await deps.dataKeys.forSubject(subjectId);
  const ctx = await restContext(deps, subjectId);
  const grantIds = m.grants.map((g) => g.id);
  const wanted = new Set<string>(job.types);
  // Only records becoming a requested type are read (the types were checked against the scopes).
  const reachable = deps.catalogue.types.filter((t) => resourceTypesOf(t).some((r) => wanted.has(r))).map((t) => t.code);
  const scope: Scope = narrowScope({ subjectId, slices: m.grants.map(sliceOf) }, reachable);
  const exported: string[] = [];
  const part = (resourceType: string, lines: string[]): BulkPartRow => {
    const n = (seq.get(resourceType) ?? 0) + 1;
    seq.set(resourceType, n);
    return { exportId: job.id, resourceType, seq: n, subjectId, count: lines.length, grantIds, payload: sealField(dek, subjectId, partField(job.id, resourceType, n), lines.join('')) };
  };
  if (wanted.has('Patient') && !(await deps.storage.bulkExports.addParts(job.id, [part('Patient', [`${JSON.stringify(patientResource(ctx, null))}\n`])]))) return false;
  let after: { effectiveAt: number; id: string } | undefined;
  for (;;) {
    const page = await listRecords(deps, scope, { limit: PAGE, order: 'asc', hideEnteredInError: true, ...(after ? { after } : {}) });
    const byType = new Map<string, string[]>();
    for (const [i, r] of page.items.entries()) {
      // What existed at kick-off, and (with _since) changed after it: a series chunk changes as
      // readings join it, and is exported whole with what it holds when read.
      if (page.created[i]! > job.transactionTime || (job.since !== null && page.changed[i]! < job.since)) continue;
      exported.push(r.id);
      for (const res of recordResources(ctx, r)) {
        if (!wanted.has(res.resourceType)) continue;
        const lines = byType.get(res.resourceType) ?? [];
        lines.push(`${JSON.stringify(res)}\n`);
        byType.set(res.resourceType, lines);
      }
    }
    const parts = [...byType].map(([type, lines]) => part(type, lines));
    if (parts.length && !(await deps.storage.bulkExports.addParts(job.id, parts))) return false;
    if (!page.next) break;
    after = page.next;
  }
  const log = logEntry(actor, subjectId, 'records.bulk-export', deps.clock.now(), {
    grantIds,
    recordIds: exported,
    query: { export: job.id, types: job.types, ...(job.since !== null ? { since: new Date(job.since).toISOString() } : {}) },
  });
  return deps.storage.bulkExports.finishPerson(job.id, log);
}

function partField(exportId: string, type: string, n: number): string {
  return `bulk:${exportId}:${type}:${n}`;
}

/** @returns the export, for the account that started it only */
export async function exportOf(deps: Deps, actor: Actor, id: string): Promise<BulkExportRow> {
  const row = await deps.storage.bulkExports.get(id);
  if (!row || row.accountId !== actor.accountId || row.status === 'cancelled' || row.expiresAt <= deps.clock.now()) throw new NotFoundError('No such export');
  if (row.status === 'running' && deps.clock.now() - row.transactionTime > STALE_MS) return { ...row, status: 'failed', error: 'TESSERA_UNAVAILABLE' };
  return row;
}

/** The Bulk Data manifest of a completed export. */
export async function manifest(deps: Deps, row: BulkExportRow) {
  const base = deps.config.publicUrl.replace(/\/+$/, '');
  const counts = new Map((await deps.storage.bulkExports.counts(row.id)).map((c) => [c.resourceType, c.count]));
  return {
    transactionTime: new Date(row.transactionTime).toISOString(),
    request: row.request,
    requiresAccessToken: true,
    output: row.types.filter((t) => counts.get(t)).map((type) => ({ type, url: `${base}/fhir/r4/bulk/${row.id}/${type}.ndjson`, count: counts.get(type)! })),
    error: [] as unknown[],
  };
}

/** @returns whether the export was running or complete and is now cancelled (its output deleted) */
export async function cancel(deps: Deps, actor: Actor, id: string): Promise<void> {
  await exportOf(deps, actor, id);
  if (!(await deps.storage.bulkExports.cancel(id, deps.clock.now()))) throw new NotFoundError('No such export');
}

/**
 * One output file, streamed part by part (one page of one person at a time). A person's lines
 * are served only while one of the grants they were read under still holds: revoking after
 * kick-off takes their output out of every later download.
 */
export async function* ndjson(deps: Deps, actor: Actor, row: BulkExportRow, type: string): AsyncGenerator<string> {
  const live = new Map<string, Set<string>>();
  let after = 0;
  for (;;) {
    const parts = await deps.storage.bulkExports.parts(row.id, type, after, 20);
    if (parts.length === 0) return;
    for (const p of parts) {
      after = p.seq;
      let holding = live.get(p.subjectId);
      if (!holding) {
        holding = new Set((await verifiedHoldings(deps, actor, p.subjectId, deps.clock.now())).filter((g) => g.access === 'read').map((g) => g.id));
        live.set(p.subjectId, holding);
      }
      if (!p.grantIds.some((g) => holding.has(g))) continue;
      yield openField(await deps.dataKeys.forSubject(p.subjectId), p.subjectId, partField(row.id, type, p.seq), p.payload);
    }
  }
}
