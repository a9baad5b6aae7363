import type { SmartScopes } from './smart-scopes.js';
import type { AccountKind } from '../storage/contract.js';

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
}
