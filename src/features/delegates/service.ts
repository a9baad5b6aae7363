import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { checkAccount, checkDelegation, macOf } from '../../core/integrity.js';
import { iso, isoOrNull, parseInstant } from '../../core/time.js';
import { signReceipt } from '../../crypto/jws.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { AccountRow, DelegationRow } from '../../storage/contract.js';
import { headClaim } from '../access-log/checkpoints.js';
import { logEntry } from '../access-log/entry.js';
import { describeAccount } from '../../core/supporters.js';
import type { DelegateInput, DelegationView } from './schemas.js';

const DAY = 24 * 3600 * 1000;
const MAX_DELEGATION_DAYS = 3 * 365 + 1;

/**
 * Delegates (docs/care-team.md): a person names someone to act for them, with powers, a basis
 * and an expiry. The delegate acts through a short-lived delegation token; every request re-reads
 * the delegation (src/plugins/auth.ts), so revocation and expiry bite on the next request.
 */

export function delegationStatus(d: DelegationRow, now: number): DelegationView['status'] {
  if (d.revokedAt !== null) return 'revoked';
  return d.expiresAt > now ? 'active' : 'expired';
}

async function toView(deps: Deps, d: DelegationRow, now: number): Promise<DelegationView> {
  const [person, delegate] = [await deps.storage.accounts.findById(d.personAccountId), await deps.storage.accounts.findById(d.delegateAccountId)];
  const view: DelegationView = {
    id: d.id,
    subjectId: d.subjectId,
    person: { accountId: d.personAccountId, name: await describeAccount(deps, person) },
    delegate: { accountId: d.delegateAccountId, name: await describeAccount(deps, delegate) },
    powers: d.powers,
    basis: d.basis,
    expiresAt: iso(d.expiresAt),
    createdAt: iso(d.createdAt),
    revokedAt: isoOrNull(d.revokedAt),
    status: delegationStatus(d, now),
    receipt: d.receipt,
  };
  if (d.revocationReceipt) view.revocationReceipt = d.revocationReceipt;
  return view;
}

function receiptClaims(d: Omit<DelegationRow, 'integrity' | 'receipt'>, logHead: unknown, revokedAt?: number): Record<string, unknown> {
  return {
    jti: randomUUID(),
    typ: 'tessera.delegation',
    delegationId: d.id,
    subjectId: d.subjectId,
    person: { accountId: d.personAccountId },
    delegate: { accountId: d.delegateAccountId },
    powers: d.powers,
    basis: d.basis,
    expiresAt: iso(d.expiresAt),
    createdAt: iso(d.createdAt),
    logHead,
    ...(revokedAt === undefined ? {} : { revokedAt: iso(revokedAt) }),
  };
}

/**
 * A person names a delegate. Only the person themselves may (a delegate cannot name delegates).
 * @throws ValidationError naming the field; ForbiddenError for a delegate caller
 */
export async function createDelegation(deps: Deps, actor: Actor, input: DelegateInput): Promise<DelegationView> {
  if (actor.onBehalfOf || !actor.subjectId) throw new ForbiddenError('Only the person themselves can name a delegate');
  const now = deps.clock.now();
  const expiresAt = parseInstant(input.expiresAt);
  if (expiresAt === undefined) throw ValidationError.body('expiresAt', 'must be an RFC 3339 date-time');
  if (expiresAt <= now) throw ValidationError.body('expiresAt', 'must be in the future');
  if (expiresAt > now + MAX_DELEGATION_DAYS * DAY) throw ValidationError.body('expiresAt', 'must be at most 3 years from now');
  const delegate = await deps.storage.accounts.findById(input.delegate.accountId);
  if (!delegate || delegate.disabledAt !== null || (delegate.kind !== 'citizen' && delegate.kind !== 'practitioner')) {
    throw ValidationError.body('delegate.accountId', 'is not an active citizen or practitioner account');
  }
  if (delegate.id === actor.accountId) throw ValidationError.body('delegate.accountId', 'is you: a delegate acts for you, so it must be someone else');
  const base = {
    id: randomUUID(),
    subjectId: actor.subjectId,
    personAccountId: actor.accountId,
    delegateAccountId: delegate.id,
    powers: [...input.powers].sort(),
    basis: input.basis,
    expiresAt,
    createdAt: now,
    revokedAt: null,
    revocationReceipt: null,
  };
  const receipt = await signReceipt(deps.keyring, deps.config.publicUrl, receiptClaims(base, await headClaim(deps, actor.subjectId)));
  const unsigned = { ...base, receipt };
  const row: DelegationRow = { ...unsigned, integrity: macOf.delegation(deps.keyring, unsigned) };
  await deps.storage.delegations.create(
    row,
    logEntry(actor, actor.subjectId, 'delegate.create', now, { query: { delegateAccountId: delegate.id, powers: row.powers, basis: row.basis, expiresAt: iso(expiresAt) } }),
  );
  return toView(deps, row, now);
}

export async function listDelegates(deps: Deps, subjectId: string) {
  const now = deps.clock.now();
  const rows = await deps.storage.delegations.listForSubject(subjectId);
  return { items: await Promise.all(rows.map((d) => toView(deps, d, now))), nextCursor: null };
}

/** The person ends a delegation; effective for every request that starts after this returns. */
export async function revokeDelegation(deps: Deps, actor: Actor, id: string): Promise<DelegationView> {
  if (actor.onBehalfOf || !actor.subjectId) throw new ForbiddenError('Only the person themselves can end a delegation');
  const now = deps.clock.now();
  const current = await deps.storage.delegations.get(id);
  if (!current || current.subjectId !== actor.subjectId) throw new NotFoundError('No such delegation');
  if (current.revokedAt !== null) return toView(deps, current, now);
  const receipt = await signReceipt(deps.keyring, deps.config.publicUrl, receiptClaims(current, await headClaim(deps, actor.subjectId), now));
  const revoked = await deps.storage.delegations.revoke(actor.subjectId, id, now, receipt, logEntry(actor, actor.subjectId, 'delegate.revoke', now, { query: { delegationId: id } }));
  if (!revoked) throw new NotFoundError('No such delegation');
  return toView(deps, revoked, now);
}

/** What the delegate sees: the people they may act for now. */
export async function listDelegations(deps: Deps, actor: Actor) {
  const now = deps.clock.now();
  const rows = await deps.storage.delegations.activeForDelegate(actor.accountId, now);
  return { items: await Promise.all(rows.map((d) => toView(deps, d, now))), nextCursor: null };
}

/**
 * A live delegation, decided from the database: not revoked, not expired, its MAC intact, and
 * both the person's and the delegate's accounts active.
 * @returns the delegation and the person's account, or undefined when it no longer holds
 */
export async function liveDelegation(deps: Deps, id: string, delegateAccountId: string): Promise<{ delegation: DelegationRow; person: AccountRow } | undefined> {
  const d = await deps.storage.delegations.get(id);
  if (!d || d.delegateAccountId !== delegateAccountId || d.revokedAt !== null || d.expiresAt <= deps.clock.now()) return undefined;
  checkDelegation(deps.keyring, d);
  const person = await deps.storage.accounts.findById(d.personAccountId);
  if (!person || person.disabledAt !== null || person.kind !== 'citizen' || person.subjectId !== d.subjectId) return undefined;
  checkAccount(deps.keyring, person);
  return { delegation: d, person };
}

/** Claims of a delegation token, signed by the token endpoint's signer. */
export interface DelegationClaims {
  sub: string;
  sid: string;
  kind: 'citizen';
  act: { sub: string };
  did: string;
}

/**
 * Issues the delegate a token to act for the person: `sub` the person's account, `act.sub` the
 * delegate's (RFC 8693 §4.1), bound to the delegate's own session and the delegation, living at
 * most as long as an access token and never past the delegation's expiry.
 */
export async function delegationToken(
  deps: Deps,
  actor: Actor,
  id: string,
  sign: (claims: DelegationClaims, expiresInSeconds: number) => string,
): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
  if (actor.onBehalfOf) throw new ForbiddenError('A delegation token cannot be used to get another');
  const live = await liveDelegation(deps, id, actor.accountId);
  if (!live) throw new NotFoundError('No such delegation, or it has ended');
  const left = Math.floor((live.delegation.expiresAt - deps.clock.now()) / 1000);
  const expiresIn = Math.max(1, Math.min(deps.config.accessTokenTtlSeconds, left));
  const token = sign({ sub: live.person.id, sid: actor.sessionId, kind: 'citizen', act: { sub: actor.accountId }, did: id }, expiresIn);
  return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
}
