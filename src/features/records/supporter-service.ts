import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { canonicalJson } from '../../crypto/hash-chain.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { GrantRow, IdempotencyRow, RecordQuery, RecordRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { publishAlerts } from '../alerts/service.js';
import { sharedName } from '../grants/names.js';
import type { RecordInput } from './compose.js';
import type { RecordQueryInput, RecordView } from './schemas.js';
import { listRecords, openRows, prepareRecords, toRecordQuery } from './service.js';
import { grantsCovering } from '../../core/slice.js';
import { narrowScope, readScope, scopedTypes } from './slice.js';

/** How long an idempotency key is remembered (the issue asks for at least 24 h). */
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * A supporter reads the union of its read grants' slices of one person, narrowed by the query.
 * The read is logged in the person's access log; a read whose entry cannot be written is not
 * served.
 */
export async function readSlice(
  deps: Deps,
  actor: Actor,
  subjectId: string,
  grants: GrantRow[],
  q: RecordQueryInput,
): Promise<{ items: RecordView[]; nextCursor: string | null; subjectName: string | null }> {
  const query = toRecordQuery(deps, q);
  const logged: Record<string, unknown> = { limit: query.limit, page: q.cursor ? 'next' : 'first' };
  if (q.category) logged.category = q.category;
  if (q.type) logged.type = q.type;
  if (q.from) logged.from = q.from;
  if (q.to) logged.to = q.to;
  const { items, nextCursor } = await readScoped(deps, actor, subjectId, grants, query, scopedTypes(deps.catalogue, actor.scopes, 's'), logged);
  return { items, nextCursor, subjectName: await sharedName(deps, subjectId, grants, deps.clock.now()) };
}

/**
 * The one read path through grants, for `/v1` lists and FHIR searches alike: the grants' slices
 * ({@link readScope}), narrowed to `types` (SMART scopes, a FHIR resource type), then the query,
 * then one access-log entry naming exactly the records served.
 * @param types the record types the read may reach beyond the grants' own limits, or null
 * @param logged the query as the person's log shows it
 */
export async function readScoped(
  deps: Deps,
  actor: Actor,
  subjectId: string,
  grants: GrantRow[],
  query: RecordQuery,
  types: string[] | null,
  logged: Record<string, unknown>,
): Promise<{ items: RecordView[]; nextCursor: string | null }> {
  const scope = narrowScope(readScope(deps.catalogue, subjectId, grants, query), types);
  // What the writer resolved as entered in error is kept for the person, not shown to supporters.
  const { items, nextCursor } = await listRecords(deps, scope, { ...query, hideEnteredInError: true });
  await logGrantedRead(deps, actor, subjectId, grants, items.map((r) => r.id), logged);
  return { items, nextCursor };
}

/**
 * The person's access-log entry for a read through grants, written before anything is served:
 * the grants used, exactly the records served, and the query as asked.
 */
export async function logGrantedRead(deps: Deps, actor: Actor, subjectId: string, grants: GrantRow[], recordIds: string[], logged: Record<string, unknown>): Promise<void> {
  // Reads under break-glass access say so in the person's log (docs/care-team.md).
  if (grants.some((g) => g.purpose === 'emergency')) logged.purpose = 'emergency';
  await deps.storage.accessLog.append(logEntry(actor, subjectId, 'records.read', deps.clock.now(), { grantIds: grants.map((g) => g.id), recordIds, query: logged }));
}

/**
 * Which of a caller's append grants allow each row, checked against its SMART scopes too.
 * @param label names row i in errors (`records.3`, an import's entry)
 * @returns the ids of the grants used
 * @throws ForbiddenError naming the first row no append grant (or no `c` scope) covers
 */
export function appendGrantsFor(deps: Deps, actor: Actor, grants: GrantRow[], rows: Pick<RecordRow, 'category' | 'type' | 'effectiveAt'>[], label: (i: number) => string): string[] {
  const creatable = scopedTypes(deps.catalogue, actor.scopes, 'c');
  const used = new Set<string>();
  rows.forEach((r, i) => {
    if (creatable && !creatable.includes(r.type)) {
      throw new ForbiddenError(`${label(i)} (type "${r.type}") is outside this token's SMART scopes (it needs create on every resource it becomes)`);
    }
    const allowing = grantsCovering(grants, r);
    if (allowing.length === 0) {
      throw new ForbiddenError(`${label(i)} (category "${r.category}", type "${r.type}") is outside every append grant you hold for this person`);
    }
    for (const g of allowing) used.add(g.id);
  });
  return [...used];
}

export interface AppendResult {
  views: RecordView[];
  replayed: boolean;
}

async function replay(deps: Deps, subjectId: string, existing: IdempotencyRow, requestHash: string): Promise<AppendResult> {
  if (existing.requestHash !== requestHash) {
    throw new ConflictError('This Idempotency-Key was used with a different request; use a new key for new records');
  }
  const { recordIds } = JSON.parse(existing.result) as { recordIds: string[] };
  const rows = await deps.storage.records.getMany(subjectId, recordIds);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ordered = recordIds.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  if (ordered.length === 0) throw new NotFoundError('The records this key created no longer exist');
  return { views: await openRows(deps, subjectId, ordered), replayed: true };
}

/**
 * A supporter or provider system appends records to a person's store under its append grants,
 * all or nothing. With an Idempotency-Key, a retry of the same request answers the same
 * records; the same key with another body is a 409.
 * @throws ForbiddenError naming the first record no append grant covers
 */
export async function appendRecords(
  deps: Deps,
  actor: Actor,
  subjectId: string,
  grants: GrantRow[],
  inputs: RecordInput[],
  batch: boolean,
  idempotencyKey: string | undefined,
): Promise<AppendResult> {
  const now = deps.clock.now();
  // Only a keyed request is ever compared with another (hashing a 500-record batch is not free).
  const requestHash = idempotencyKey ? sha256Hex(canonicalJson({ subjectId, batch, inputs })) : '';
  if (idempotencyKey) {
    const existing = await deps.storage.idempotency.get(actor.accountId, idempotencyKey, now);
    if (existing) return replay(deps, subjectId, existing, requestHash);
  }
  const { rows, views, effects } = await prepareRecords(deps, actor, subjectId, inputs, batch);
  const used = appendGrantsFor(deps, actor, grants, rows, (i) => (batch ? `records.${i}` : 'the record'));
  const idem: IdempotencyRow | null = idempotencyKey
    ? {
        accountId: actor.accountId,
        key: idempotencyKey,
        subjectId,
        requestHash,
        result: JSON.stringify({ recordIds: rows.map((r) => r.id) }),
        createdAt: now,
        expiresAt: now + IDEMPOTENCY_TTL_MS,
      }
    : null;
  const log = logEntry(actor, subjectId, 'records.append', now, {
    grantIds: used,
    recordIds: rows.map((r) => r.id),
    query: { count: rows.length },
  });
  const outcome = await deps.storage.records.append(rows, log, idem, effects);
  // Another request with the same key won the race: answer as its retry would be answered.
  if (!outcome.stored) return replay(deps, subjectId, outcome.existing, requestHash);
  publishAlerts(deps, effects.alerts);
  return { views, replayed: false };
}
