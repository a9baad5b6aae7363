import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { listDelegations } from '../../features/delegates/service.js';
import { listNotifications } from '../../features/notifications/service.js';
import { messages } from '../messages.js';
import type { ChromeExtras } from '../views/layout.js';

/** Unread notices are counted up to this many; the badge then says "99+". */
const UNREAD_COUNTED = 100;

/**
 * What a page's navigation shows besides its links, from the same services as the API: the
 * unread notices GET /v1/me/notifications?unread=true lists (the person's, for a delegate who may
 * manage their sharing), and whom the caller acts for or could act for (GET /v1/delegations).
 */
export async function chromeExtras(deps: Deps, actor: Actor): Promise<ChromeExtras> {
  const acting = actor.onBehalfOf;
  const hasNotices = acting ? acting.powers.includes('manage-sharing') : actor.kind === 'citizen' || actor.kind === 'practitioner';
  const unread = hasNotices ? (await listNotifications(deps, actor, { unread: true, limit: UNREAD_COUNTED })).items.length : null;
  if (actor.kind !== 'citizen' && actor.kind !== 'practitioner') return { unread, acting: null, actsForOthers: false };
  // The delegate's own list, as themselves: a delegation token never asks for one.
  const own: Actor = { accountId: actor.accountId, kind: actor.kind, sessionId: actor.sessionId, subjectId: actor.subjectId, organisationId: actor.organisationId, scopes: null };
  const delegations = (await listDelegations(deps, own)).items;
  if (!acting) return { unread, acting: null, actsForOthers: delegations.length > 0 };
  const d = delegations.find((x) => x.id === acting.delegationId);
  return { unread, acting: { name: d?.person.name ?? messages.acting.someone, powers: acting.powers }, actsForOthers: true };
}
