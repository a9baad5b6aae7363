import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { checkClientJwks } from '../../crypto/client-keys.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Actor } from '../../core/actor.js';
import type { AccountKind, LogEntryInput, OrganisationRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { createStaffAccount } from '../accounts/service.js';
import type { ClientInput, OrganisationInput, PractitionerInput } from './schemas.js';
import { signedAccount } from '../../core/integrity.js';

function orgView(o: OrganisationRow) {
  return { id: o.id, name: o.name, kind: o.kind, createdAt: iso(o.createdAt) };
}

export async function createOrganisation(deps: Deps, input: OrganisationInput) {
  const row: OrganisationRow = { id: randomUUID(), name: input.name.trim(), kind: input.kind, createdAt: deps.clock.now() };
  if (!row.name) throw ValidationError.body('name', 'must not be blank');
  await deps.storage.organisations.create(row);
  return orgView(row);
}

export async function listOrganisations(deps: Deps) {
  return { items: (await deps.storage.organisations.list()).map(orgView), nextCursor: null };
}

async function organisation(deps: Deps, orgId: string): Promise<OrganisationRow> {
  const org = await deps.storage.organisations.get(orgId);
  if (!org) throw new NotFoundError('No such organisation');
  return org;
}

/**
 * One entry in the log of every person whose organisation grant reaches an account that joins
 * or leaves the organisation: membership decides who can read, so the person sees it change.
 */
async function membershipLogs(
  deps: Deps,
  by: Actor,
  orgId: string,
  member: { id: string; kind: AccountKind },
  action: 'organisation.member-add' | 'organisation.member-remove',
  now: number,
): Promise<LogEntryInput[]> {
  const reached = await deps.storage.grants.activeForOrganisation(orgId, member.kind, now);
  return reached.map((r) =>
    logEntry(by, r.subjectId, action, now, { grantIds: r.grantIds, query: { organisationId: orgId, memberAccountId: member.id, memberKind: member.kind } }),
  );
}

export async function addPractitioner(deps: Deps, by: Actor, orgId: string, input: PractitionerInput) {
  await organisation(deps, orgId);
  const a = await createStaffAccount(deps, 'practitioner', { ...input, organisationId: orgId }, (account) =>
    membershipLogs(deps, by, orgId, account, 'organisation.member-add', account.createdAt),
  );
  return { accountId: a.id, organisationId: orgId, handle: a.handle!, displayName: a.displayName!, role: a.role!, createdAt: iso(a.createdAt) };
}

export async function addClient(deps: Deps, by: Actor, orgId: string, input: ClientInput) {
  await organisation(deps, orgId);
  const name = input.name.trim();
  if (!name) throw ValidationError.body('name', 'must not be blank');
  const checked = await checkClientJwks(input.jwks);
  if ('field' in checked) throw ValidationError.body(checked.field, checked.detail);
  const now = deps.clock.now();
  const id = randomUUID();
  const logs = await membershipLogs(deps, by, orgId, { id, kind: 'client' }, 'organisation.member-add', now);
  await deps.storage.accounts.create(signedAccount(deps.keyring, {
    id,
    kind: 'client',
    handle: null,
    passwordHash: null,
    displayName: name,
    sealedDisplayName: null,
    subjectId: null,
    organisationId: orgId,
    role: null,
    jwks: JSON.stringify(checked),
    disabledAt: null,
    createdAt: now,
  }), logs);
  return { clientId: id, organisationId: orgId, name, createdAt: iso(now), tokenEndpoint: `${deps.config.publicUrl}/v1/token`, jwks: checked };
}

/**
 * Disables a practitioner or client of an organisation: its tokens stop working on the next
 * request and every grant made to it directly is revoked (grants to the organisation stay).
 */
export async function disableMember(deps: Deps, by: Actor, orgId: string, accountId: string, kind: Extract<AccountKind, 'practitioner' | 'client'>) {
  const a = await deps.storage.accounts.findById(accountId);
  if (!a || a.kind !== kind || a.organisationId !== orgId) throw new NotFoundError(`No such ${kind} in this organisation`);
  const now = deps.clock.now();
  const revoked =
    a.disabledAt === null ? await deps.storage.accounts.disable(accountId, now, await membershipLogs(deps, by, orgId, a, 'organisation.member-remove', now)) : [];
  return { accountId, disabledAt: iso(a.disabledAt ?? now), grantsRevoked: revoked.length };
}
