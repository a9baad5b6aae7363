import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { EmergencyAccessRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { describeSupporter } from '../accounts/service.js';
import { newGrant, purposeField } from '../grants/service.js';
import { notice, noticeToPerson } from '../notifications/service.js';
import type { EmergencyAccessView, EmergencyPolicyInput, EmergencyPolicyView } from './schemas.js';

/**
 * Emergency access (break-glass), only under the person's own policy (docs/care-team.md): named
 * organisations' practitioners may open a read-only grant of the named categories for at most
 * the policy's minutes, stating a reason. The person is told at once, every read under it is
 * logged with purpose `emergency`, and the person can flag it as unjustified, which the
 * organisation sees.
 */

interface Policy {
  organisations: string[];
  categories: string[];
  maxMinutes: number;
}

// Sealed with the person's key and bound to them: the policy cannot be edited or moved unseen.
const POLICY_FIELD = 'emergency-policy';
const flagField = (grantId: string) => `emergency:${grantId}:flag`;

async function readPolicy(deps: Deps, subjectId: string): Promise<{ policy: Policy; updatedAt: number } | undefined> {
  const row = await deps.storage.emergency.getPolicy(subjectId);
  if (!row) return undefined;
  const policy = JSON.parse(openField(await deps.dataKeys.forSubject(subjectId), subjectId, POLICY_FIELD, row.sealedPolicy)) as Policy;
  return { policy, updatedAt: row.updatedAt };
}

async function policyView(deps: Deps, p: Policy, updatedAt: number): Promise<EmergencyPolicyView> {
  const organisations = await Promise.all(p.organisations.map(async (id) => ({ id, name: (await deps.storage.organisations.get(id))?.name ?? null })));
  return { organisations, categories: p.categories, maxMinutes: p.maxMinutes, updatedAt: iso(updatedAt) };
}

export async function putPolicy(deps: Deps, actor: Actor, subjectId: string, input: EmergencyPolicyInput): Promise<EmergencyPolicyView> {
  const errors = [
    ...(await Promise.all(input.organisations.map(async (id, i) => ((await deps.storage.organisations.get(id)) ? null : { field: `organisations.${i}`, detail: 'is not a known organisation' })))),
    ...input.categories.map((c, i) => (deps.catalogue.category(c) ? null : { field: `categories.${i}`, detail: `unknown category "${c}"` })),
  ].filter((e): e is { field: string; detail: string } => e !== null);
  if (errors.length) throw new ValidationError(errors.map((e) => ({ ...e, pointer: `/${e.field.replace('.', '/')}`, in: 'body' as const })));
  const now = deps.clock.now();
  const policy: Policy = { organisations: input.organisations, categories: input.categories, maxMinutes: input.maxMinutes };
  const sealed = sealField(await deps.dataKeys.forSubject(subjectId), subjectId, POLICY_FIELD, JSON.stringify(policy));
  await deps.storage.emergency.putPolicy({ subjectId, sealedPolicy: sealed, updatedAt: now }, logEntry(actor, subjectId, 'emergency-policy.set', now, { query: { ...policy } }));
  return policyView(deps, policy, now);
}

export async function getPolicy(deps: Deps, subjectId: string): Promise<EmergencyPolicyView> {
  const found = await readPolicy(deps, subjectId);
  if (!found) throw new NotFoundError('You have no emergency-access policy: nobody can break glass on your store');
  return policyView(deps, found.policy, found.updatedAt);
}

export async function deletePolicy(deps: Deps, actor: Actor, subjectId: string): Promise<void> {
  const now = deps.clock.now();
  if (!(await deps.storage.emergency.deletePolicy(subjectId, logEntry(actor, subjectId, 'emergency-policy.delete', now)))) {
    throw new NotFoundError('You have no emergency-access policy');
  }
}

/**
 * A practitioner of a named organisation opens emergency access. No policy, or an organisation
 * the policy does not name, is the same 404 as a person who does not exist.
 */
export async function openEmergencyAccess(deps: Deps, actor: Actor, subjectId: string, reason: string): Promise<{ grantId: string; expiresAt: string; categories: string[] }> {
  const found = (await deps.storage.keys.getWrapped(subjectId)) ? await readPolicy(deps, subjectId) : undefined;
  if (!found || !actor.organisationId || !found.policy.organisations.includes(actor.organisationId)) throw new NotFoundError('No such person');
  const text = reason.trim();
  if (text.length < 10) throw ValidationError.body('reason', 'must say why, in at least 10 characters');
  const now = deps.clock.now();
  const expiresAt = now + found.policy.maxMinutes * 60_000;
  const dek = await deps.dataKeys.forSubject(subjectId);
  const grant = await newGrant(
    deps,
    subjectId,
    dek,
    { accountId: actor.accountId, organisationId: null, members: null },
    { access: 'read', categories: found.policy.categories, types: null, fromAt: null, toAt: null, purpose: 'emergency', purposeText: text, expiresAt },
    now,
    null,
  );
  const access: EmergencyAccessRow = {
    grantId: grant.id,
    subjectId,
    organisationId: actor.organisationId,
    practitionerAccountId: actor.accountId,
    openedAt: now,
    expiresAt,
    flaggedAt: null,
    sealedFlagStatement: null,
  };
  await deps.storage.emergency.open(grant, access, logEntry(actor, subjectId, 'emergency-access.open', now, { grantIds: [grant.id], query: { purpose: 'emergency' } }));
  await deps.storage.notifications.add(await noticeToPerson(deps, subjectId, 'emergency-access', { grantId: grant.id, practitionerAccountId: actor.accountId, organisationId: actor.organisationId }));
  return { grantId: grant.id, expiresAt: iso(expiresAt), categories: grant.categories };
}

async function accessView(deps: Deps, a: EmergencyAccessRow): Promise<EmergencyAccessView> {
  const dek = await deps.dataKeys.forSubject(a.subjectId);
  const grant = await deps.storage.grants.get(a.subjectId, a.grantId);
  return {
    grantId: a.grantId,
    subjectId: a.subjectId,
    organisationId: a.organisationId,
    practitioner: { accountId: a.practitionerAccountId, name: await describeSupporter(deps, a.practitionerAccountId, a.organisationId) },
    openedAt: iso(a.openedAt),
    expiresAt: iso(a.expiresAt),
    reason: grant?.sealedPurposeText ? openField(dek, a.subjectId, purposeField(a.grantId), grant.sealedPurposeText) : null,
    flaggedAt: isoOrNull(a.flaggedAt),
    flagStatement: a.sealedFlagStatement ? openField(dek, a.subjectId, flagField(a.grantId), a.sealedFlagStatement) : null,
  };
}

export async function listForPerson(deps: Deps, subjectId: string) {
  const rows = await deps.storage.emergency.listForSubject(subjectId);
  return { items: await Promise.all(rows.map((a) => accessView(deps, a))), nextCursor: null };
}

/** What the organisation sees: the emergency accesses its practitioners opened, flags included. */
export async function listForOrganisation(deps: Deps, actor: Actor) {
  if (!actor.organisationId) return { items: [], nextCursor: null };
  const rows = await deps.storage.emergency.listForOrganisation(actor.organisationId, 200);
  return { items: await Promise.all(rows.map((a) => accessView(deps, a))), nextCursor: null };
}

/** The person flags an emergency access as unjustified; the practitioner is told. */
export async function flagAccess(deps: Deps, actor: Actor, subjectId: string, grantId: string, statement: string | undefined): Promise<EmergencyAccessView> {
  const current = await deps.storage.emergency.get(subjectId, grantId);
  if (!current) throw new NotFoundError('No such emergency access');
  const now = deps.clock.now();
  const text = statement?.trim();
  const sealed = text ? sealField(await deps.dataKeys.forSubject(subjectId), subjectId, flagField(grantId), text) : null;
  const flagged = await deps.storage.emergency.flag(subjectId, grantId, now, sealed, logEntry(actor, subjectId, 'emergency-access.flag', now, { grantIds: [grantId] }));
  if (!flagged) throw new NotFoundError('No such emergency access');
  if (current.flaggedAt === null) {
    await deps.storage.notifications.add([notice(current.practitionerAccountId, 'emergency-access-flagged', subjectId, now, { grantId, organisationId: current.organisationId })]);
  }
  return accessView(deps, flagged);
}
