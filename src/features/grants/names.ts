import type { Deps } from '../../core/deps.js';
import { openField } from '../../crypto/envelope.js';
import type { GrantRow } from '../../storage/contract.js';

/**
 * A person's display name for a supporter, when one of the supporter's active grants on them
 * says to share it (`shareName`, default on for direct care). Decided from the grants read for
 * this request, so turning it off, revoking or expiry hides the name at once. The name is
 * sealed with the person's data key, so erasure removes it with everything else.
 * @param held the caller's grants on this person, as read from the database for this request
 * @returns the name, or null
 */
export async function sharedName(deps: Deps, subjectId: string, held: GrantRow[], now: number): Promise<string | null> {
  if (!held.some((g) => g.subjectId === subjectId && g.shareName && g.revokedAt === null && g.expiresAt > now)) return null;
  const account = await deps.storage.accounts.findBySubject(subjectId);
  if (!account?.sealedDisplayName) return null;
  return openField(await deps.dataKeys.forSubject(subjectId), subjectId, 'displayName', account.sealedDisplayName);
}

/** @returns whether a new grant shares the person's name when they do not say: yes for direct care */
export function defaultShareName(purpose: string): boolean {
  return purpose === 'direct-care';
}
