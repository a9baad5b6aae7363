import type { Deps } from './deps.js';

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
