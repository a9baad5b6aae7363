import type { SmartScopes } from './smart-scopes.js';
import type { AccountKind, DelegatePower } from '../storage/contract.js';

/**
 * Who is calling, as established from the database on this request. Kept apart from "whose
 * data" (a subject id passed separately), so carers and delegates can act for a person later.
 */
export interface Actor {
  accountId: string;
  kind: AccountKind;
  sessionId: string;
  /** The caller's own store, for citizens. */
  subjectId: string | null;
  organisationId: string | null;
  /** SMART scopes of the session, or null for an unscoped session (grants alone decide). */
  scopes: SmartScopes | null;
  /**
   * Set when the caller is a delegate acting for a person (a delegation token): whose store the
   * `/v1/me` routes act on, and under which delegation and powers, re-read from the database on
   * this request.
   */
  onBehalfOf?: { accountId: string; subjectId: string; delegationId: string; powers: DelegatePower[] };
}

/**
 * Whose store a `/v1/me` route acts on: the person a delegate acts for, else the caller's own.
 * Kept apart from who is calling (the actor), which the access log records.
 * @throws Error when the caller has no store (routes for citizens only reach here)
 */
export function subjectOf(actor: Actor): string {
  const subjectId = actor.onBehalfOf?.subjectId ?? actor.subjectId;
  if (!subjectId) throw new Error('this route acts on a person’s store, and the caller has none');
  return subjectId;
}
