import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { isoOrNull } from '../../core/time.js';
import { NotFoundError } from '../../errors.js';
import { grantReaches } from '../../core/holdings.js';
import type { Accepted, AccessRequestInput } from './schemas.js';
import { requestAccess } from './service.js';

/**
 * A grantee asks the person to renew a grant it holds (expiring, or expired): an access request
 * pre-filled with the grant's terms, which the person approves (narrowing if they wish) for a new
 * grant and receipt, or denies. A revoked grant is not renewable: the person ended it.
 * @throws NotFoundError for a grant that is not the caller's (the same answer as none at all)
 */
export async function requestRenewal(deps: Deps, actor: Actor, grantId: string): Promise<Accepted & { renewalOf: string }> {
  const g = await deps.storage.grants.find(grantId);
  if (!g || g.revokedAt !== null || !grantReaches(g, actor)) throw new NotFoundError('No such grant of yours');
  const accepted = await requestAccess(deps, actor, g.subjectId, {
    access: g.access,
    categories: g.categories,
    ...(g.types ? { types: g.types } : {}),
    ...(g.fromAt !== null ? { from: isoOrNull(g.fromAt)! } : {}),
    ...(g.toAt !== null ? { to: isoOrNull(g.toAt)! } : {}),
    purpose: g.purpose as AccessRequestInput['purpose'],
  });
  return { ...accepted, renewalOf: g.id };
}
