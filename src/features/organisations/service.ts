import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { checkClientJwks } from '../../crypto/client-keys.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { AccountKind, OrganisationRow } from '../../storage/contract.js';
import { createStaffAccount } from '../accounts/service.js';
import type { ClientInput, OrganisationInput, PractitionerInput } from './schemas.js';

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

export async function addPractitioner(deps: Deps, orgId: string, input: PractitionerInput) {
  await organisation(deps, orgId);
  const a = await createStaffAccount(deps, 'practitioner', { ...input, organisationId: orgId });
  return { accountId: a.id, organisationId: orgId, handle: a.handle!, displayName: a.displayName!, role: a.role!, createdAt: iso(a.createdAt) };
}

export async function addClient(deps: Deps, orgId: string, input: ClientInput) {
  await organisation(deps, orgId);
  const name = input.name.trim();
  if (!name) throw ValidationError.body('name', 'must not be blank');
  const checked = await checkClientJwks(input.jwks);
  if ('field' in checked) throw ValidationError.body(checked.field, checked.detail);
  const now = deps.clock.now();
  const id = randomUUID();
  await deps.storage.accounts.create({
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
  });
  return { clientId: id, organisationId: orgId, name, createdAt: iso(now), tokenEndpoint: `${deps.config.publicUrl}/v1/token`, jwks: checked };
}

/**
 * Disables a practitioner or client of an organisation: its tokens stop working on the next
 * request and every grant made to it directly is revoked (grants to the organisation stay).
 */
export async function disableMember(deps: Deps, orgId: string, accountId: string, kind: Extract<AccountKind, 'practitioner' | 'client'>) {
  const a = await deps.storage.accounts.findById(accountId);
  if (!a || a.kind !== kind || a.organisationId !== orgId) throw new NotFoundError(`No such ${kind} in this organisation`);
  const now = deps.clock.now();
  const revoked = a.disabledAt === null ? await deps.storage.accounts.disable(accountId, now) : [];
  return { accountId, disabledAt: iso(a.disabledAt ?? now), grantsRevoked: revoked.length };
}
