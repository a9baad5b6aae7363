import { and, eq, inArray, or, type Column, type SQL } from 'drizzle-orm';
import type { AccountKind, GrantMembers, Holder } from './contract.js';

/**
 * Which grants reach a holder, for both adapters: grants to the account itself, and grants to
 * its organisation whose `members` include the account's kind. Security-relevant like the slice
 * predicate, so it is written once (docs/architecture.md "The storage port").
 */

/** @returns the `members` values of organisation grants that reach an account of this kind */
export function membersReaching(kind: AccountKind): GrantMembers[] {
  if (kind === 'practitioner') return ['practitioners', 'all'];
  if (kind === 'client') return ['clients', 'all'];
  return [];
}

export interface HolderColumns {
  granteeAccountId: Column;
  granteeOrganisationId: Column;
  members: Column;
}

/** @returns the condition that a grant reaches the holder */
export function reachesHolder(h: Holder, c: HolderColumns): SQL {
  const members = membersReaching(h.kind);
  if (!h.organisationId || members.length === 0) return eq(c.granteeAccountId, h.accountId);
  return or(eq(c.granteeAccountId, h.accountId), and(eq(c.granteeOrganisationId, h.organisationId), inArray(c.members, members)))!;
}
