import { randomUUID } from 'node:crypto';
import { subjectOf, type Actor } from '../../core/actor.js';
import { createdAfter, pageByCreation } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { describeSupporter } from '../../core/supporters.js';
import { iso, isoOrNull } from '../../core/time.js';
import { sealField } from '../../crypto/envelope.js';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.js';
import type { DisputeRow, RecordRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { catalogueForCodes } from '../catalogue/bespoke.js';
import { notice, noticeToPerson } from '../notifications/service.js';
import { disputeFields, disputeSummary } from '../records/disputes.js';
import type { RecordView } from '../records/schemas.js';
import { composeAll, ownScope, sealComposed } from '../records/service.js';
import type { DisputeInput, DisputeView, ResolveInput } from './schemas.js';

/**
 * Disputes (docs/care-team.md "Disputes"): the person says a record someone else wrote is wrong;
 * the writing organisation (or the writing account, when it belongs to none) resolves it. The
 * disputed record's stored bytes are never changed: an amendment is a new record that
 * `replaces` it, and the dispute itself is a row of its own whose texts are sealed with the
 * person's data key.
 */

async function toView(deps: Deps, d: DisputeRow, record: Pick<RecordRow, 'type' | 'category' | 'effectiveAt' | 'createdAt'>): Promise<DisputeView> {
  const s = disputeSummary(await deps.dataKeys.forSubject(d.subjectId), d);
  return {
    id: d.id,
    subjectId: d.subjectId,
    recordId: d.recordId,
    record: { type: record.type, category: record.category, effectiveAt: iso(record.effectiveAt), createdAt: iso(record.createdAt) },
    writer: { accountId: d.writerAccountId, organisationId: d.writerOrganisationId, name: await describeSupporter(deps, d.writerAccountId, d.writerOrganisationId) },
    status: s.status,
    statement: s.statement,
    note: s.note,
    replacedBy: s.replacedBy,
    createdAt: iso(d.createdAt),
    resolvedAt: isoOrNull(d.resolvedAt),
  };
}

/** The person disputes a record in their store that a supporter or provider wrote. */
export async function openDispute(deps: Deps, actor: Actor, recordId: string, input: DisputeInput): Promise<DisputeView> {
  const subjectId = subjectOf(actor);
  const record = await deps.storage.records.get(ownScope(subjectId), recordId);
  if (!record) throw new NotFoundError('No such record');
  if (record.sourceKind === 'self' || record.sourceKind === 'delegate') {
    throw new ConflictError('This record was written by you (or for you by your delegate): change it by adding a new record or deleting this one');
  }
  const statement = input.statement.trim();
  if (!statement) throw ValidationError.body('statement', 'must not be blank');
  const now = deps.clock.now();
  const id = randomUUID();
  const row: DisputeRow = {
    id,
    subjectId,
    recordId,
    writerAccountId: record.sourceAccountId,
    writerOrganisationId: record.sourceOrganisationId,
    status: 'open',
    sealedStatement: sealField(await deps.dataKeys.forSubject(subjectId), subjectId, disputeFields.statement(id), statement),
    createdAt: now,
    resolvedAt: null,
    resolvedByAccountId: null,
    sealedNote: null,
    replacementRecordId: null,
  };
  await deps.storage.disputes.create(row, logEntry(actor, subjectId, 'dispute.open', now, { recordIds: [recordId], query: { disputeId: id } }));
  await deps.storage.notifications.add([notice(record.sourceAccountId, 'dispute-opened', subjectId, now, { disputeId: id, recordId })]);
  return toView(deps, row, record);
}

/** Who answers for a dispute: the writing organisation's practitioners and clients, or the writing account. */
function answersFor(actor: Actor, d: DisputeRow): boolean {
  if (actor.kind !== 'practitioner' && actor.kind !== 'client') return false;
  return d.writerOrganisationId !== null ? actor.organisationId === d.writerOrganisationId : actor.accountId === d.writerAccountId;
}

async function recordOf(deps: Deps, d: DisputeRow): Promise<RecordRow> {
  const r = await deps.storage.records.get(ownScope(d.subjectId), d.recordId);
  // A dispute goes with its record (deleted, erased): the foreign key removes both.
  if (!r) throw new NotFoundError('No such dispute');
  return r;
}

/** Disputes of records the caller's organisation (or the caller) wrote, newest first. */
export async function listDisputesForWriter(deps: Deps, actor: Actor, q: { status?: DisputeRow['status']; cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.disputes.listForWriter(actor.organisationId, actor.accountId, {
    limit: limit + 1,
    ...(q.status ? { status: q.status } : {}),
    ...(after ? { after } : {}),
  });
  const { page, nextCursor } = pageByCreation(rows, limit);
  const items = await Promise.all(page.map(async (d) => toView(deps, d, await recordOf(deps, d))));
  return { items, nextCursor };
}

/** One dispute the caller answers for (the web app's page of it); anyone else's is a 404, as in GET /v1/disputes. */
export async function getDisputeForWriter(deps: Deps, actor: Actor, id: string): Promise<DisputeView> {
  const d = await deps.storage.disputes.get(id);
  if (!d || !answersFor(actor, d)) throw new NotFoundError('No such dispute');
  return toView(deps, d, await recordOf(deps, d));
}

/** The amendment: a record of the same type, written by the resolver, that names the one it replaces. */
async function amendment(deps: Deps, actor: Actor, d: DisputeRow, original: RecordRow, input: ResolveInput): Promise<{ row: RecordRow; view: RecordView }> {
  if (!input.record) throw ValidationError.body('record', 'is required when the outcome is amended: the corrected record');
  if (input.record.type !== original.type) throw ValidationError.body('record.type', `must be "${original.type}", the type of the disputed record`);
  const where = () => ({ field: 'record', pointer: '/record' });
  const catalogue = await catalogueForCodes(deps, d.subjectId, [input.record.type]);
  const [composed] = composeAll(deps, [{ category: original.category, ...input.record }], where, catalogue);
  composed!.content.replaces = original.id;
  const { rows, views } = await sealComposed(deps, actor, d.subjectId, [composed!], where);
  return { row: rows[0]!, view: views[0]! };
}

/** The writer resolves a dispute; both sides are told. The disputed record itself is never changed. */
export async function resolveDispute(deps: Deps, actor: Actor, id: string, input: ResolveInput): Promise<DisputeView & { replacement: RecordView | null }> {
  const d = await deps.storage.disputes.get(id);
  if (!d || !answersFor(actor, d)) throw new NotFoundError('No such dispute');
  const original = await recordOf(deps, d);
  if (d.status !== 'open') throw new ConflictError(`This dispute was already resolved (${d.status})`);
  if (input.outcome !== 'amended' && input.record) throw ValidationError.body('record', 'is only for the outcome amended');
  const note = input.note.trim();
  if (!note) throw ValidationError.body('note', 'must not be blank');
  const replacement = input.outcome === 'amended' ? await amendment(deps, actor, d, original, input) : null;
  const now = deps.clock.now();
  const sealedNote = sealField(await deps.dataKeys.forSubject(d.subjectId), d.subjectId, disputeFields.note(d.id), note);
  const recordIds = replacement ? [d.recordId, replacement.row.id] : [d.recordId];
  const log = logEntry(actor, d.subjectId, 'dispute.resolve', now, { recordIds, query: { disputeId: d.id, outcome: input.outcome } });
  const outcome = { status: input.outcome, resolvedAt: now, resolvedByAccountId: actor.accountId, sealedNote, replacement: replacement?.row ?? null };
  if ((await deps.storage.disputes.resolve(d, outcome, log)) !== 'resolved') throw new ConflictError('This dispute was resolved meanwhile');
  const told = await noticeToPerson(deps, d.subjectId, 'dispute-resolved', { disputeId: d.id, recordId: d.recordId, outcome: input.outcome });
  if (d.writerAccountId !== actor.accountId) told.push(notice(d.writerAccountId, 'dispute-resolved', d.subjectId, now, { disputeId: d.id, recordId: d.recordId, outcome: input.outcome }));
  await deps.storage.notifications.add(told);
  const resolved: DisputeRow = { ...d, status: input.outcome, resolvedAt: now, resolvedByAccountId: actor.accountId, sealedNote, replacementRecordId: replacement?.row.id ?? null };
  const view = await toView(deps, resolved, original);
  // The amendment's view was made as it was sealed; it has no dispute of its own to show.
  return { ...view, replacement: replacement?.view ?? null };
}
