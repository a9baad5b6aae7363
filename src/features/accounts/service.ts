import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { hashPassword } from '../../crypto/passwords.js';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError, type FieldError } from '../../errors.js';
import type { AccountKind, AccountRow, LogEntryInput } from '../../storage/contract.js';
import { checkPassword, normaliseHandle } from './password-policy.js';
import type { Me, SignedUp, SignUpInput } from './schemas.js';
import { signedAccount } from '../../core/integrity.js';

/** Checks handle, password and display name, naming each bad field. */
export function checkCredentials(input: { handle: string; password: string; displayName: string }): { handle: string; displayName: string } {
  const errors: FieldError[] = [];
  const handle = normaliseHandle(input.handle);
  if (Array.isArray(handle)) errors.push(...handle);
  errors.push(...checkPassword(input.password, Array.isArray(handle) ? '' : handle));
  const displayName = input.displayName.trim();
  if (!displayName) errors.push({ field: 'displayName', pointer: '/displayName', in: 'body', detail: 'must not be blank' });
  if (errors.length) throw new ValidationError(errors);
  return { handle: handle as string, displayName };
}

/** The throttle key under which sign-ups that hit a taken handle are counted, per IP. */
const SIGN_UP_PROBES = '\u0000sign-up-conflicts';

/**
 * Signs up a citizen: a new person with their own data key, and their account.
 * @throws ValidationError for a bad handle, password or name; ConflictError for a taken handle
 */
export async function signUp(deps: Deps, input: SignUpInput, ip: string): Promise<SignedUp> {
  const { handle, displayName } = checkCredentials(input);
  // "That handle is taken" tells whether an account (a practitioner's, say) exists: an address
  // may hear it only a few times per window before sign-up waits (docs/security.md).
  const wait = await deps.loginThrottle.retryAfter(SIGN_UP_PROBES, ip, deps.clock.now());
  if (wait > 0) throw new RateLimitedError(wait, `Too many sign-ups with handles already taken; try again in ${wait} s`);
  const now = deps.clock.now();
  const accountId = randomUUID();
  const subjectId = randomUUID();
  const { dek, wrapped } = deps.dataKeys.create(subjectId);
  const account = signedAccount(deps.keyring, {
    id: accountId,
    kind: 'citizen',
    handle,
    passwordHash: await hashPassword(input.password),
    displayName: null,
    sealedDisplayName: sealField(dek, subjectId, 'displayName', displayName),
    subjectId,
    organisationId: null,
    role: null,
    jwks: null,
    disabledAt: null,
    createdAt: now,
  });
  try {
    await deps.storage.accounts.createCitizen(account, wrapped);
  } catch (e) {
    if (e instanceof ConflictError) await deps.loginThrottle.fail(SIGN_UP_PROBES, ip, deps.clock.now());
    throw e;
  }
  return { accountId, subjectId, handle, displayName, createdAt: iso(now) };
}

/**
 * Creates a password account that is not a citizen (an operator, or a practitioner).
 * @throws ValidationError, ConflictError
 */
export async function createStaffAccount(
  deps: Deps,
  kind: Extract<AccountKind, 'admin' | 'practitioner'>,
  input: { handle: string; password: string; displayName: string; organisationId?: string; role?: string },
  /** Access-log entries to write with the account (people whose organisation grants now reach it). */
  logsFor: (account: AccountRow) => Promise<LogEntryInput[]> = async () => [],
): Promise<AccountRow> {
  const { handle, displayName } = checkCredentials(input);
  const account = signedAccount(deps.keyring, {
    id: randomUUID(),
    kind,
    handle,
    passwordHash: await hashPassword(input.password),
    displayName,
    sealedDisplayName: null,
    subjectId: null,
    organisationId: input.organisationId ?? null,
    role: input.role ?? null,
    jwks: null,
    disabledAt: null,
    createdAt: deps.clock.now(),
  });
  await deps.storage.accounts.create(account, await logsFor(account));
  return account;
}

/** @returns the caller's own account, with a citizen's name opened from their store */
export async function describeMe(deps: Deps, actor: Actor): Promise<Me> {
  const a = await deps.storage.accounts.findById(actor.accountId);
  if (!a) throw new NotFoundError();
  let displayName = a.displayName;
  if (a.subjectId && a.sealedDisplayName) {
    displayName = openField(await deps.dataKeys.forSubject(a.subjectId), a.subjectId, 'displayName', a.sealedDisplayName);
  }
  return {
    accountId: a.id,
    kind: a.kind,
    handle: a.handle,
    displayName,
    subjectId: a.subjectId,
    organisationId: a.organisationId,
    role: a.role,
    createdAt: iso(a.createdAt),
  };
}

/** Who a supporter is, from professional directory data (never a citizen's sealed name). */
export interface SupporterProfile {
  name: string | null;
  role: string | null;
  organisation: string | null;
}

/** @returns the supporter's name, role and organisation, each null when unknown */
export async function supporterProfile(deps: Deps, accountId: string | null, organisationId: string | null): Promise<SupporterProfile> {
  const account = accountId ? await deps.storage.accounts.findById(accountId) : undefined;
  const orgId = account?.organisationId ?? organisationId;
  const org = orgId ? await deps.storage.organisations.get(orgId) : undefined;
  return { name: account?.displayName ?? null, role: account?.role ?? null, organisation: org?.name ?? null };
}

/**
 * How a supporter is named to the people whose data it asks for or reads: "name, role,
 * organisation".
 * @returns the description, or null when the account or organisation is unknown
 */
export async function describeSupporter(deps: Deps, accountId: string | null, organisationId: string | null): Promise<string | null> {
  const p = await supporterProfile(deps, accountId, organisationId);
  return [p.name, p.role, p.organisation].filter(Boolean).join(', ') || null;
}
