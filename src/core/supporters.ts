import type { Deps } from './deps.js';
import { openField } from '../crypto/envelope.js';
import type { AccountRow } from '../storage/contract.js';

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

/**
 * How an account is named to the other side of a delegation or in a person's log: a citizen
 * (a delegate) by their own name, opened with their key; a supporter as {@link describeSupporter}.
 */
export async function describeAccount(deps: Deps, a: AccountRow | undefined): Promise<string | null> {
  if (!a) return null;
  if (a.kind === 'citizen' && a.subjectId && a.sealedDisplayName) {
    try {
      return openField(await deps.dataKeys.forSubject(a.subjectId), a.subjectId, 'displayName', a.sealedDisplayName);
    } catch {
      return null;
    }
  }
  return describeSupporter(deps, a.id, a.organisationId);
}
