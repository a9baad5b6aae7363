import type { Deps } from './deps.js';
import type { GrantMembers, GrantRow, Holder } from '../storage/contract.js';
import { checkAccount, checkGrant } from './integrity.js';

/**
 * Who a grant reaches, decided in one place. A grant to an account reaches that account; a grant
 * to an organisation reaches the organisation's accounts of the kinds its `members` names. Every
 * path that acts on a grant (requests, live streams, webhooks, watches) asks the database
 * through {@link activeHoldings}, so none of them can reach wider than another.
 */

/** Default `members` of an organisation grant: providers' systems push, people read. */
export function defaultMembers(access: GrantRow['access'] | 'aggregate'): GrantMembers {
  return access === 'read' ? 'practitioners' : 'all';
}

/** Whether a grant (whatever its state) is made to this holder: to it, or to its organisation for its kind. */
export function grantReaches(g: GrantRow, holder: Holder): boolean {
  if (g.granteeAccountId !== null) return g.granteeAccountId === holder.accountId;
  if (g.granteeOrganisationId === null || g.granteeOrganisationId !== holder.organisationId) return false;
  return g.members === 'all' || (g.members === 'practitioners' && holder.kind === 'practitioner') || (g.members === 'clients' && holder.kind === 'client');
}

/**
 * A stored account as a holder of grants, or null when it can hold none now (missing or
 * disabled): a disabled supporter's watches and streams stop with it.
 */
export async function holderOf(deps: Deps, accountId: string): Promise<Holder | null> {
  const a = await deps.storage.accounts.findById(accountId);
  if (!a || a.disabledAt !== null || (a.kind !== 'practitioner' && a.kind !== 'client')) return null;
  checkAccount(deps.keyring, a);
  return { accountId: a.id, kind: a.kind, organisationId: a.organisationId };
}

/**
 * The holder's active grants on a person, every one checked against its MAC: a grant widened
 * in the database is refused (TESSERA_INTEGRITY), never obeyed.
 */
export async function verifiedHoldings(deps: Deps, holder: Holder, subjectId: string, now: number): Promise<GrantRow[]> {
  const grants = await deps.storage.grants.activeFor(subjectId, holder, now);
  for (const g of grants) checkGrant(deps.keyring, g);
  return grants;
}

/** @returns the holder's active grants on a person with the given access */
export async function activeHoldings(deps: Deps, holder: Holder, subjectId: string, access: GrantRow['access'], now: number): Promise<GrantRow[]> {
  return (await verifiedHoldings(deps, holder, subjectId, now)).filter((g) => g.access === access);
}
