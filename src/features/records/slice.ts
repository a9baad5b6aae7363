import type { Catalogue } from '../catalogue/catalogue.js';
import { ForbiddenError } from '../../errors.js';
import type { GrantRow, RecordQuery, Scope } from '../../storage/contract.js';
import { sliceOf } from '../../core/slice.js';

/**
 * The scope of a supporter's read: the union of its active read grants' slices. A filter
 * naming a category or type that no grant covers is refused (403) rather than quietly
 * answered empty, so a supporter learns their grant does not reach it. Date filters are
 * intersected with the grants' windows by the storage query.
 * @throws ForbiddenError
 */
export function readScope(catalogue: Catalogue, subjectId: string, grants: GrantRow[], q: RecordQuery): Scope {
  for (const c of q.categories ?? []) {
    if (!grants.some((g) => g.categories.includes(c))) throw new ForbiddenError(`Category "${c}" is outside every grant you hold for this person`);
  }
  for (const t of q.types ?? []) {
    const home = catalogue.type(t)?.category;
    const covered = grants.some((g) =>
      g.types ? g.types.includes(t) : (home !== undefined && g.categories.includes(home)) || (q.categories ?? []).some((c) => g.categories.includes(c)),
    );
    if (!covered) throw new ForbiddenError(`Type "${t}" is outside every grant you hold for this person`);
  }
  return { subjectId, slices: grants.map(sliceOf) };
}
