import type { Actor } from '../../core/actor.js';
import type { LogEntryInput } from '../../storage/contract.js';

/** Actions written to a person's access log. */
export type LogAction =
  | 'records.read'
  | 'trends.read'
  | 'outcomes.query'
  | 'records.append'
  | 'records.delete'
  | 'records.bulk-export'
  | 'grant.create'
  | 'grant.revoke'
  | 'grant.update'
  | 'access-request.approve'
  | 'access-request.deny'
  | 'alert.raise'
  | 'alert.escalate'
  | 'watch.create'
  | 'watch.delete'
  | 'referral.create'
  | 'referral.approve'
  | 'referral.deny'
  | 'emergency-policy.set'
  | 'emergency-policy.delete'
  | 'emergency-access.open'
  | 'emergency-access.flag'
  | 'dispute.open'
  | 'dispute.resolve'
  | 'delegate.create'
  | 'delegate.revoke'
  | 'organisation.member-add'
  | 'organisation.member-remove'
  | 'export';

/** Builds the entry for something `actor` did to `subjectId`'s store. No record content, ever. */
export function logEntry(
  actor: Actor,
  subjectId: string,
  action: LogAction,
  at: number,
  detail: { grantIds?: string[]; recordIds?: string[]; query?: Record<string, unknown> } = {},
): LogEntryInput {
  return {
    subjectId,
    at,
    actor: { accountId: actor.accountId, organisationId: actor.organisationId, kind: actor.kind },
    // A delegate is logged as the actor, with the person they acted for beside them.
    ...(actor.onBehalfOf ? { onBehalfOf: { accountId: actor.onBehalfOf.accountId } } : {}),
    action,
    grantIds: detail.grantIds ?? [],
    recordIds: detail.recordIds ?? [],
    query: detail.query ?? {},
  };
}
