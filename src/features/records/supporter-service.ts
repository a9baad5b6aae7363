import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { canonicalJson } from '../../crypto/hash-chain.js';
import { sha256Hex } from '../../crypto/secrets.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { GrantRow, IdempotencyRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { publishAlerts } from '../alerts/service.js';
import type { RecordInput } from './compose.js';
import type { RecordQueryInput, RecordView } from './schemas.js';
import { listRecords, openRows, prepareRecords, toRecordQuery } from './service.js';
import { grantsCovering } from '../../core/slice.js';
import { readScope } from './slice.js';

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
): Promise<{ items: RecordView[]; nextCursor: string | null }> {
  const query = toRecordQuery(deps, q);
  const scope = readScope(deps.catalogue, subjectId, grants, query);
  const { items, nextCursor } = await listRecords(deps, scope, query);
  const logged: Record<string, unknown> = { limit: query.limit, page: q.cursor ? 'next' : 'first' };
  if (q.category) logged.category = q.category;
  if (q.type) logged.type = q.type;
  if (q.from) logged.from = q.from;
  if (q.to) logged.to = q.to;
  // Reads under break-glass access say so in the person's log (docs/care-team.md).
  if (grants.some((g) => g.purpose === 'emergency')) logged.purpose = 'emergency';
  await deps.storage.accessLog.append(
    logEntry(actor, subjectId, 'records.read', deps.clock.now(), { grantIds: grants.map((g) => g.id), recordIds: items.map((r) => r.id), query: logged }),
  );
  return { items, nextCursor };
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
  const used = new Set<string>();
  rows.forEach((r, i) => {
    const allowing = grantsCovering(grants, r);
    if (allowing.length === 0) {
      const which = batch ? `records.${i}` : 'the record';
      throw new ForbiddenError(`${which} (category "${r.category}", type "${r.type}") is outside every append grant you hold for this person`);
    }
    for (const g of allowing) used.add(g.id);
  });
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
    grantIds: [...used],
    recordIds: rows.map((r) => r.id),
    query: { count: rows.length },
  });
  const outcome = await deps.storage.records.append(rows, log, idem, effects);
  // Another request with the same key won the race: answer as its retry would be answered.
  if (!outcome.stored) return replay(deps, subjectId, outcome.existing, requestHash);
  publishAlerts(deps, effects.alerts);
  return { views, replayed: false };
}
