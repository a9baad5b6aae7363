import type { Catalogue } from '../catalogue/catalogue.js';
import { resourceTypesOf, type RecordResourceType } from '../catalogue/fhir-types.js';
import { scopeAllows, type Permission, type SmartScopes } from '../../core/smart-scopes.js';
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

/**
 * The record types a session's SMART scopes let it touch with `permission`: those whose every
 * FHIR resource the scopes allow (a questionnaire is its answers and its score), or only those
 * becoming `resource` when one is named (a FHIR search serves one resource type).
 * @returns the types, or null for an unscoped session (grants alone decide)
 */
export function scopedTypes(catalogue: Catalogue, scopes: SmartScopes | null, permission: Permission, resource?: RecordResourceType): string[] | null {
  if (scopes === null && !resource) return null;
  return catalogue.types
    .filter((t) => {
      const becomes = resourceTypesOf(t);
      if (resource) return becomes.includes(resource) && scopeAllows(scopes, resource, permission);
      return becomes.every((r) => scopeAllows(scopes, r, permission));
    })
    .map((t) => t.code);
}

/** @returns the scope narrowed to these types (null: unchanged); it can only shrink */
export function narrowScope(scope: Scope, types: string[] | null): Scope {
  if (types === null) return scope;
  return { subjectId: scope.subjectId, slices: scope.slices.map((s) => ({ ...s, types: s.types ? s.types.filter((t) => types.includes(t)) : types })) };
}
