import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { scopeAllows } from '../../core/smart-scopes.js';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import { grantsAllowing } from '../../plugins/access.js';
import { getRecord, ownScope } from '../records/service.js';
import { narrowScope, readScope, scopedTypes } from '../records/slice.js';
import { logGrantedRead } from '../records/supporter-service.js';
import type { RecordView } from '../records/schemas.js';
import { recordResources, type Resource } from './resources.js';
import { restContext } from './search.js';

/*
 * FHIR instance reads of the resources whose id is their record's id (docs/fhir.md "Reads"):
 * `Observation/{id}` and `Goal/{id}`, so a search entry's `fullUrl` can be followed. The record
 * is found by its id alone; then the caller's own store or its read grants decide, exactly as a
 * search would (the same slices, SMART scopes and access-log entry). Anything the caller may not
 * read is a 404, whether it exists or not.
 */

export type ReadableResourceType = 'Observation' | 'Goal';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * @returns the resource of that type and id
 * @throws NotFoundError for an id no record has, or one outside the caller's store or grants;
 *   ForbiddenError for a token whose SMART scopes do not allow reading the type, or a person
 *   the caller holds grants on that allow no reading
 */
export async function readRecordResource(deps: Deps, actor: Actor, resource: ReadableResourceType, id: string): Promise<Resource> {
  if (!scopeAllows(actor.scopes, resource, 'r')) throw new ForbiddenError(`This token's SMART scopes do not allow reading ${resource}`);
  const gone = () => new NotFoundError(`No such ${resource}`);
  const recordId = id.toLowerCase();
  if (!uuid.test(recordId)) throw gone();
  const subjectId = (await deps.storage.records.subjectOf(recordId)) ?? (await deps.storage.series.subjectOf(recordId));
  if (!subjectId) throw gone();
  const types = scopedTypes(deps.catalogue, actor.scopes, 'r', resource)!;
  // The person's catalogue (their own measures included) is read only once the read is allowed.
  const pick = async (view: RecordView) => recordResources(await restContext(deps, subjectId), view).find((r) => r.resourceType === resource && r.id === recordId);
  if (actor.kind === 'citizen') {
    if (subjectId !== actor.subjectId) throw gone();
    const found = await pick(await getRecord(deps, narrowScope(ownScope(subjectId), types), recordId));
    if (!found) throw gone();
    return found;
  }
  let grants;
  try {
    grants = await grantsAllowing(deps, actor, subjectId, 'read');
  } catch (e) {
    // Grants on the person that allow no reading say nothing about this record either.
    if (e instanceof ForbiddenError) throw gone();
    throw e;
  }
  const scope = narrowScope(readScope(deps.catalogue, subjectId, grants, { limit: 1, order: 'desc' }), types);
  const view = await getRecord(deps, scope, recordId).catch((e: unknown) => {
    throw e instanceof NotFoundError ? gone() : e;
  });
  // What the writer resolved as entered in error is the person's alone, as in searches.
  const found = view.dispute?.status === 'entered-in-error' ? undefined : await pick(view);
  if (!found) throw gone();
  await logGrantedRead(deps, actor, subjectId, grants, [recordId], { resource, read: recordId });
  return found;
}
