import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { createdAfter } from '../../core/cursor.js';
import { scopeAllows } from '../../core/smart-scopes.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { grantsAllowing } from '../../plugins/access.js';
import { logEntry } from '../access-log/entry.js';
import { describeMe } from '../accounts/service.js';
import type { GrantView } from '../grants/schemas.js';
import { listOwnGrants } from '../grants/service.js';
import { consentResource, patientResource, type GranteeKind, type Resource } from './resources.js';
import { patientOf, restContext, type SearchPage } from './search.js';

/** What kind of account a grant's grantee is, for the Consent actor's reference type. */
export async function granteeKind(deps: Deps, g: GrantView): Promise<GranteeKind> {
  if (!g.grantee.accountId) return 'organisation';
  return (await deps.storage.accounts.findById(g.grantee.accountId))?.kind === 'client' ? 'client' : 'practitioner';
}

/**
 * `Patient/{id}`: a citizen reads themselves (with their name); a supporter reads a person it
 * holds a read grant on, which shows the id only, since grants cover records, not identity.
 * The supporter's read is logged like any read through a grant.
 */
export async function patientRead(deps: Deps, actor: Actor, id: string): Promise<Resource> {
  if (!scopeAllows(actor.scopes, 'Patient', 'r')) throw new ForbiddenError("This token's SMART scopes do not allow reading Patient");
  let subjectId: string;
  try {
    subjectId = patientOf(id);
  } catch {
    throw new NotFoundError('No such person');
  }
  if (actor.kind === 'citizen') {
    if (subjectId !== actor.subjectId) throw new NotFoundError('No such person');
    return patientResource(await restContext(deps, subjectId), (await describeMe(deps, actor)).displayName);
  }
  const grants = await grantsAllowing(deps, actor, subjectId, 'read');
  await deps.storage.accessLog.append(
    logEntry(actor, subjectId, 'records.read', deps.clock.now(), { grantIds: grants.map((g) => g.id), query: { resource: 'Patient' } }),
  );
  return patientResource(await restContext(deps, subjectId), null);
}

/** The citizen's own grants as Consents, newest first. */
export async function searchConsents(deps: Deps, actor: Actor, q: { patient?: string; _count?: number; _cursor?: string }): Promise<SearchPage> {
  const subjectId = actor.subjectId!;
  if (q.patient !== undefined && patientOf(q.patient) !== subjectId) throw new NotFoundError('No such person');
  // Checked here so a bad cursor is a 400 naming `_cursor`, as in every other search.
  if (q._cursor) createdAfter(q._cursor);
  const { items, nextCursor } = await listOwnGrants(deps, subjectId, { limit: q._count ?? 50, ...(q._cursor ? { cursor: q._cursor } : {}) });
  const ctx = await restContext(deps, subjectId);
  const kinds = await Promise.all(items.map((g) => granteeKind(deps, g)));
  return { resources: items.map((g, i) => consentResource(ctx, g, kinds[i]!)), nextCursor };
}
