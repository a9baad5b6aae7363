/**
 * SMART App Launch v2 scopes (`system/Observation.rs`, `user/*.cruds`, and the v1 forms
 * `.read`, `.write`, `.*`), as requested at the token endpoint (RFC 6749 §3.3) and kept with the
 * session. A scope only narrows: what a token may touch is what the caller's live grants allow
 * AND what its scopes name (docs/fhir.md "SMART scopes").
 */

/** The resource types Tessera serves, and so the ones a scope may name. */
export const scopedResourceTypes = ['Patient', 'Observation', 'QuestionnaireResponse', 'Goal'] as const;
export type ScopedResourceType = (typeof scopedResourceTypes)[number];

/** SMART v2 permissions, in the order the syntax requires: create, read, update, delete, search. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
const ORDER: Permission[] = ['c', 'r', 'u', 'd', 's'];

/** The context a scope is for: `system` for backend services, `user` for a practitioner. */
export type ScopeContext = 'system' | 'user';

/** Granted scopes: per resource type (or `*`), the permissions. */
export type SmartScopes = ReadonlyMap<ScopedResourceType | '*', ReadonlySet<Permission>>;

const v1: Record<string, Permission[]> = { read: ['r', 's'], write: ['c', 'u', 'd'], '*': ['c', 'r', 'u', 'd', 's'] };

/** Why a requested scope was refused (RFC 6749 `invalid_scope`). */
export class ScopeError extends Error {}

function permissions(text: string): Permission[] | undefined {
  if (v1[text]) return v1[text];
  // v2: a non-empty subsequence of "cruds", in that order.
  if (!/^c?r?u?d?s?$/.test(text) || text === '') return undefined;
  return [...text] as Permission[];
}

/**
 * Parses a `scope` parameter for an account of the given context.
 * @returns the granted scopes, merged per resource type
 * @throws ScopeError naming the first scope that is malformed, for another context, names a
 *   resource this server does not serve, or asks for granular (query) narrowing
 */
export function parseScopes(text: string, context: ScopeContext): SmartScopes {
  const out = new Map<ScopedResourceType | '*', Set<Permission>>();
  const items = text.split(' ').filter((s) => s !== '');
  if (items.length === 0) throw new ScopeError('scope is empty');
  for (const item of items) {
    const m = /^(patient|user|system)\/([A-Za-z*]+)\.([a-z*]+)(\?.*)?$/.exec(item);
    if (!m) throw new ScopeError(`"${item}" is not a SMART scope (context/Resource.permissions, e.g. ${context}/Observation.rs)`);
    const [, ctx, resource, perms, query] = m;
    if (ctx !== context) throw new ScopeError(`"${item}": this account's scopes are ${context}/… scopes`);
    if (resource !== '*' && !(scopedResourceTypes as readonly string[]).includes(resource!)) {
      throw new ScopeError(`"${item}": this server serves ${scopedResourceTypes.join(', ')} (or *)`);
    }
    if (query) throw new ScopeError(`"${item}": granular scopes (with a query) are not supported`);
    const p = permissions(perms!);
    if (!p) throw new ScopeError(`"${item}": permissions must be a subset of "cruds" in that order, or read, write, *`);
    const key = resource as ScopedResourceType | '*';
    const set = out.get(key) ?? new Set<Permission>();
    for (const x of p) set.add(x);
    out.set(key, set);
  }
  return out;
}

/** @returns the scopes in SMART v2 form, as echoed in token responses and stored with the session */
export function formatScopes(scopes: SmartScopes, context: ScopeContext): string {
  return [...scopes.entries()].map(([resource, set]) => `${context}/${resource}.${ORDER.filter((p) => set.has(p)).join('')}`).join(' ');
}

/** @returns whether scopes allow a permission on a resource type; null scopes (an unscoped session) allow everything */
export function scopeAllows(scopes: SmartScopes | null, resource: ScopedResourceType, permission: Permission): boolean {
  if (scopes === null) return true;
  return Boolean(scopes.get(resource)?.has(permission) || scopes.get('*')?.has(permission));
}

/** The scopes metadata advertises (`scopes_supported`): reading and searching each type, creating records. */
export function supportedScopes(): string[] {
  const out: string[] = [];
  for (const ctx of ['system', 'user'] as const) {
    for (const r of [...scopedResourceTypes, '*']) out.push(`${ctx}/${r}.rs`);
    for (const r of ['Observation', 'QuestionnaireResponse', 'Goal', '*']) out.push(`${ctx}/${r}.c`);
  }
  return out;
}

/** The scope context of an account kind, or undefined for kinds that take no scopes. */
export function scopeContextOf(kind: string): ScopeContext | undefined {
  return kind === 'client' ? 'system' : kind === 'practitioner' ? 'user' : undefined;
}
