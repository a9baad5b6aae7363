import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import { createdAfter, pageByCreation } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import type { ReferralRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { narrowed } from '../access-requests/service.js';
import type { ApproveInput } from '../access-requests/schemas.js';
import { describeSupporter } from '../accounts/service.js';
import type { GrantView } from '../grants/schemas.js';
import { checkGrantee, newGrant, toGrantView } from '../grants/service.js';
import { checkTerms } from '../grants/terms.js';
import { notice, noticeToPerson } from '../notifications/service.js';
import type { ReferralInput, ReferralView } from './schemas.js';

/**
 * Referrals (docs/care-team.md): a supporter holding a read grant on the person proposes that
 * another organisation or practitioner see a slice. Nothing is shared until the person approves
 * (narrowing if they wish); the approval is a grant to the referee with its receipt.
 */

const noteField = (id: string) => `referral:${id}:note`;

async function toView(deps: Deps, r: ReferralRow, forPerson: boolean): Promise<ReferralView> {
  const note = forPerson && r.sealedNote ? openField(await deps.dataKeys.forSubject(r.subjectId), r.subjectId, noteField(r.id), r.sealedNote) : null;
  return {
    id: r.id,
    subjectId: r.subjectId,
    referrer: { accountId: r.referrerAccountId, organisationId: r.referrerOrganisationId, name: await describeSupporter(deps, r.referrerAccountId, r.referrerOrganisationId) },
    referTo: { accountId: r.referToAccountId, organisationId: r.referToOrganisationId, name: await describeSupporter(deps, r.referToAccountId, r.referToOrganisationId) },
    categories: r.categories,
    types: r.types,
    from: isoOrNull(r.fromAt),
    to: isoOrNull(r.toAt),
    purpose: r.purpose,
    note,
    grantExpiresAt: iso(r.grantExpiresAt),
    createdAt: iso(r.createdAt),
    status: r.status,
    decidedAt: isoOrNull(r.decidedAt),
    grantId: r.grantId,
  };
}

/** A supporter refers the person (the access plugin has checked it holds a read grant on them). */
export async function createReferral(deps: Deps, actor: Actor, subjectId: string, input: ReferralInput): Promise<ReferralView> {
  const now = deps.clock.now();
  const terms = checkTerms(deps, { ...input, access: 'read' }, now);
  const to = await checkGrantee(deps, { grantee: input.referTo, access: 'read' });
  const id = randomUUID();
  const note = input.note?.trim();
  const row: ReferralRow = {
    id,
    subjectId,
    referrerAccountId: actor.accountId,
    referrerOrganisationId: actor.organisationId,
    referToAccountId: to.accountId,
    referToOrganisationId: to.organisationId,
    categories: terms.categories,
    types: terms.types,
    fromAt: terms.fromAt,
    toAt: terms.toAt,
    purpose: terms.purpose,
    sealedNote: note ? sealField(await deps.dataKeys.forSubject(subjectId), subjectId, noteField(id), note) : null,
    grantExpiresAt: terms.expiresAt,
    createdAt: now,
    status: 'pending',
    decidedAt: null,
    grantId: null,
  };
  await deps.storage.referrals.create(row, logEntry(actor, subjectId, 'referral.create', now, { query: { referralId: id, referTo: input.referTo } }));
  await deps.storage.notifications.add(await noticeToPerson(deps, subjectId, 'referral', { referralId: id, referrerAccountId: actor.accountId }));
  return toView(deps, row, false);
}

export async function listReferralsForPerson(deps: Deps, subjectId: string, q: { status?: ReferralRow['status']; cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.referrals.listForSubject(subjectId, { limit: limit + 1, ...(q.status ? { status: q.status } : {}), ...(after ? { after } : {}) });
  const { page, nextCursor } = pageByCreation(rows, limit);
  return { items: await Promise.all(page.map((r) => toView(deps, r, true))), nextCursor };
}

/** What the referrer sees: its referrals and their outcome (never the person's decision's detail). */
export async function listReferralsMade(deps: Deps, actor: Actor, q: { cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.referrals.listForReferrer(actor.accountId, { limit: limit + 1, ...(after ? { after } : {}) });
  const { page, nextCursor } = pageByCreation(rows, limit);
  return { items: await Promise.all(page.map((r) => toView(deps, r, false))), nextCursor };
}

async function pending(deps: Deps, subjectId: string, id: string): Promise<ReferralRow> {
  const r = await deps.storage.referrals.get(subjectId, id);
  if (!r) throw new NotFoundError('No such referral');
  if (r.status !== 'pending') throw new ConflictError(`This referral was already ${r.status}`);
  return r;
}

/** The person approves, optionally narrowed: the grant to the referee is exactly what they approved. */
export async function approveReferral(deps: Deps, actor: Actor, subjectId: string, id: string, input: ApproveInput): Promise<GrantView> {
  const now = deps.clock.now();
  const r = await pending(deps, subjectId, id);
  const terms = checkTerms(deps, narrowed({ ...r, access: 'read' }, input), now);
  const to = await checkGrantee(deps, {
    grantee: r.referToAccountId ? { accountId: r.referToAccountId } : { organisationId: r.referToOrganisationId! },
    access: 'read',
  });
  const grant = await newGrant(deps, subjectId, await deps.dataKeys.forSubject(subjectId), to, terms, now, null);
  const log = logEntry(actor, subjectId, 'referral.approve', now, { grantIds: [grant.id], query: { referralId: r.id } });
  if ((await deps.storage.referrals.approve(r, grant, log)) !== 'approved') throw new ConflictError('This referral was decided meanwhile');
  await deps.storage.notifications.add([notice(r.referrerAccountId, 'referral-decided', subjectId, now, { referralId: r.id, status: 'approved' })]);
  return toGrantView(deps, grant, now);
}

export async function denyReferral(deps: Deps, actor: Actor, subjectId: string, id: string): Promise<ReferralView> {
  const now = deps.clock.now();
  const r = await pending(deps, subjectId, id);
  const log = logEntry(actor, subjectId, 'referral.deny', now, { query: { referralId: r.id } });
  if ((await deps.storage.referrals.deny(r, now, log)) !== 'denied') throw new ConflictError('This referral was decided meanwhile');
  await deps.storage.notifications.add([notice(r.referrerAccountId, 'referral-decided', subjectId, now, { referralId: r.id, status: 'denied' })]);
  return toView(deps, { ...r, status: 'denied', decidedAt: now }, true);
}
