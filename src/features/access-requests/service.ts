import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import { createdAfter, pageByCreation } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull, parseInstant } from '../../core/time.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { ConflictError, NotFoundError, ValidationError, type FieldError } from '../../errors.js';
import type { AccessRequestRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { noticeToPerson } from '../notifications/service.js';
import { describeSupporter } from '../accounts/service.js';
import type { GrantView } from '../grants/schemas.js';
import { newGrant, toGrantView } from '../grants/service.js';
import { checkTerms } from '../grants/terms.js';
import type { Accepted, AccessRequestInput, AccessRequestView, ApproveInput } from './schemas.js';

const REQUEST_LIFETIME_MS = 30 * 24 * 3600 * 1000;

function purposeField(id: string): string {
  return `request:${id}:purposeText`;
}

/** Pending requests a person's inbox holds at most, from everyone, and from one requester. */
export const MAX_PENDING_PER_PERSON = 50;
export const MAX_PENDING_PER_REQUESTER = 5;

/** Whether two sets of terms ask for the same thing (the purpose text aside). */
function sameTerms(r: AccessRequestRow, t: ReturnType<typeof checkTerms>): boolean {
  const list = (v: string[] | null) => (v ? [...v].sort().join(',') : null);
  return (
    r.access === t.access &&
    list(r.categories) === list(t.categories) &&
    list(r.types) === list(t.types) &&
    r.fromAt === t.fromAt &&
    r.toAt === t.toAt &&
    r.purpose === t.purpose
  );
}

/**
 * A supporter asks a person for a slice. Answers alike whether or not the person exists, so
 * requests cannot probe for people: a request to nobody is simply not stored, and neither is a
 * request the person's inbox will not take (a duplicate of one still pending, which is merged
 * into it; or one past the caps), so the answer never says which happened.
 * @throws ValidationError for malformed terms (checked the same either way)
 */
export async function requestAccess(deps: Deps, actor: Actor, subjectId: string, input: AccessRequestInput): Promise<Accepted> {
  const now = deps.clock.now();
  const terms = checkTerms(deps, input, now);
  const id = randomUUID();
  const accepted: Accepted = { id, status: 'pending', createdAt: iso(now), expiresAt: iso(now + REQUEST_LIFETIME_MS) };
  const key = await deps.storage.keys.getWrapped(subjectId);
  if (!key) return accepted;
  const pending = (await deps.storage.accessRequests.listForSubject(subjectId, { status: 'pending', limit: MAX_PENDING_PER_PERSON + 1 })).filter(
    (r) => r.expiresAt > now,
  );
  const mine = pending.filter((r) => r.requesterAccountId === actor.accountId);
  if (mine.some((r) => sameTerms(r, terms)) || mine.length >= MAX_PENDING_PER_REQUESTER || pending.length >= MAX_PENDING_PER_PERSON) {
    return accepted;
  }
  const dek = await deps.dataKeys.forSubject(subjectId);
  await deps.storage.accessRequests.create({
    id,
    subjectId,
    requesterAccountId: actor.accountId,
    requesterOrganisationId: actor.organisationId,
    access: terms.access,
    categories: terms.categories,
    types: terms.types,
    fromAt: terms.fromAt,
    toAt: terms.toAt,
    purpose: terms.purpose,
    sealedPurposeText: terms.purposeText ? sealField(dek, subjectId, purposeField(id), terms.purposeText) : null,
    grantExpiresAt: terms.expiresAt,
    createdAt: now,
    expiresAt: now + REQUEST_LIFETIME_MS,
    status: 'pending',
    decidedAt: null,
    grantId: null,
  });
  await deps.storage.notifications.add(await noticeToPerson(deps, subjectId, 'access-request', { requestId: id, requesterAccountId: actor.accountId }));
  return accepted;
}

async function toView(deps: Deps, r: AccessRequestRow, now: number): Promise<AccessRequestView> {
  const purposeText = r.sealedPurposeText
    ? openField(await deps.dataKeys.forSubject(r.subjectId), r.subjectId, purposeField(r.id), r.sealedPurposeText)
    : null;
  return {
    id: r.id,
    subjectId: r.subjectId,
    requester: {
      accountId: r.requesterAccountId,
      organisationId: r.requesterOrganisationId,
      name: await describeSupporter(deps, r.requesterAccountId, r.requesterOrganisationId),
    },
    access: r.access,
    categories: r.categories,
    types: r.types,
    from: isoOrNull(r.fromAt),
    to: isoOrNull(r.toAt),
    purpose: r.purpose,
    purposeText,
    grantExpiresAt: iso(r.grantExpiresAt),
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    status: r.status === 'pending' && r.expiresAt <= now ? 'expired' : r.status,
    decidedAt: isoOrNull(r.decidedAt),
    grantId: r.grantId,
  };
}

export async function listRequests(
  deps: Deps,
  subjectId: string,
  q: { status?: AccessRequestRow['status']; cursor?: string; limit?: number },
): Promise<{ items: AccessRequestView[]; nextCursor: string | null }> {
  const now = deps.clock.now();
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.accessRequests.listForSubject(subjectId, { limit: limit + 1, ...(q.status ? { status: q.status } : {}), ...(after ? { after } : {}) });
  const { page, nextCursor } = pageByCreation(rows, limit);
  return { items: await Promise.all(page.map((r) => toView(deps, r, now))), nextCursor };
}

async function pending(deps: Deps, subjectId: string, id: string, now: number): Promise<AccessRequestRow> {
  const r = await deps.storage.accessRequests.get(subjectId, id);
  if (!r) throw new NotFoundError('No such access request');
  if (r.status !== 'pending') throw new ConflictError(`This request was already ${r.status}`);
  if (r.expiresAt <= now) throw new ConflictError('This request has expired; the supporter can ask again');
  return r;
}

/** What was asked for, as a request or a referral holds it. */
export type AskedTerms = Pick<AccessRequestRow, 'access' | 'categories' | 'types' | 'fromAt' | 'toAt' | 'grantExpiresAt' | 'purpose'>;

/**
 * Checks an approval narrows what was asked (never widens it) and returns the terms the grant
 * will have. Shared by access requests and referrals.
 * @throws ValidationError naming each field that widens
 */
export function narrowed(r: AskedTerms, n: ApproveInput): AccessRequestInput {
  const errors: FieldError[] = [];
  const err = (field: string, detail: string) => errors.push({ field, pointer: `/${field}`, in: 'body', detail });
  const from = n.from === undefined ? undefined : parseInstant(n.from, 'start');
  const to = n.to === undefined ? undefined : parseInstant(n.to, 'end');
  const expires = n.expiresAt === undefined ? undefined : parseInstant(n.expiresAt);
  if (n.categories?.some((c) => !r.categories.includes(c))) err('categories', 'may only keep categories that were requested');
  if (n.types && r.types && n.types.some((t) => !r.types!.includes(t))) err('types', 'may only keep types that were requested');
  if (from !== undefined && r.fromAt !== null && from < r.fromAt) err('from', 'may not start before the requested window');
  if (to !== undefined && r.toAt !== null && to > r.toAt) err('to', 'may not end after the requested window');
  if (expires !== undefined && expires > r.grantExpiresAt) err('expiresAt', 'may not be later than requested');
  if (errors.length) throw new ValidationError(errors);

  const terms: AccessRequestInput = {
    access: r.access,
    categories: n.categories ?? r.categories,
    purpose: r.purpose as AccessRequestInput['purpose'],
    expiresAt: n.expiresAt ?? iso(r.grantExpiresAt),
  };
  const types = n.types ?? r.types;
  if (types) terms.types = types;
  const fromText = n.from ?? (r.fromAt === null ? undefined : iso(r.fromAt));
  if (fromText) terms.from = fromText;
  const toText = n.to ?? (r.toAt === null ? undefined : iso(r.toAt));
  if (toText) terms.to = toText;
  return terms;
}

/** The person approves a request, optionally narrowed: the grant is exactly what they approved. */
export async function approveRequest(deps: Deps, actor: Actor, subjectId: string, id: string, input: ApproveInput): Promise<GrantView> {
  const now = deps.clock.now();
  const r = await pending(deps, subjectId, id, now);
  const terms = checkTerms(deps, narrowed(r, input), now);
  const dek = await deps.dataKeys.forSubject(subjectId);
  if (r.sealedPurposeText) terms.purposeText = openField(dek, subjectId, purposeField(r.id), r.sealedPurposeText);
  const grant = await newGrant(deps, subjectId, dek, { accountId: r.requesterAccountId, organisationId: null, members: null }, terms, now, r.id);
  const log = logEntry(actor, subjectId, 'access-request.approve', now, { grantIds: [grant.id], query: { requestId: r.id } });
  if ((await deps.storage.accessRequests.approve(r, grant, log)) !== 'approved') throw new ConflictError('This request was decided meanwhile');
  return toGrantView(deps, grant, now);
}

export async function denyRequest(deps: Deps, actor: Actor, subjectId: string, id: string): Promise<AccessRequestView> {
  const now = deps.clock.now();
  const r = await pending(deps, subjectId, id, now);
  const log = logEntry(actor, subjectId, 'access-request.deny', now, { query: { requestId: r.id } });
  if ((await deps.storage.accessRequests.deny(r, now, log)) !== 'denied') throw new ConflictError('This request was decided meanwhile');
  return toView(deps, { ...r, status: 'denied', decidedAt: now }, now);
}
