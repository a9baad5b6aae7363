import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { supporterProfile } from '../../core/supporters.js';
import type { NotificationView } from '../../features/notifications/schemas.js';
import { listNotifications, markNotificationRead } from '../../features/notifications/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { NotificationsPage, type NoticeLine } from '../pages/notifications.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, sendPage } from '../render.js';
import { dateTimeWords, dateWords, relativeWords, supporterWords } from '../views/words.js';

const n = messages.notifications;
/** Every account kind with notices that logs in to the app; a delegate managing someone's sharing reads theirs. */
const withNotices = { auth: ['citizen' as const, 'practitioner' as const], credentials: 'cookie' as const, delegable: 'manage-sharing' as const };
const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * Where a notice leads: the page about what it names, read there through that page's own
 * authorization (a notice carries ids only).
 */
export function targetOf(v: NotificationView, actor: Actor): string | null {
  const forPerson = actor.kind === 'citizen' || actor.onBehalfOf !== undefined;
  switch (v.kind) {
    case 'access-request':
      return '/app/sharing#requests';
    case 'watch-created':
      return '/app/sharing#watches';
    case 'referral':
      return '/app/sharing#referrals';
    case 'referral-decided':
      return '/app/referrals';
    case 'grant-expiring':
      if (forPerson) return str(v.grantId) ? `/app/sharing/grants/${str(v.grantId)}` : '/app/sharing';
      return v.subjectId ? `/app/people/${v.subjectId}#your-access` : '/app/people';
    case 'emergency-access':
      return '/app/sharing#emergency';
    case 'emergency-access-flagged':
      return '/app/people#emergency-log';
    case 'dispute-opened':
      return '/app/disputes';
    case 'dispute-resolved':
      return '/app/records';
    default:
      return null;
  }
}

async function lineOf(deps: Deps, actor: Actor, v: NotificationView, now: number): Promise<NoticeLine> {
  const account = str(v.requesterAccountId) ?? str(v.referrerAccountId) ?? str(v.watcherAccountId) ?? str(v.practitionerAccountId);
  const who = account ? supporterWords(await supporterProfile(deps, account, null)) : n.someone;
  const extra = v.kind === 'referral-decided' ? (messages.referrals.status[str(v.status) ?? ''] ?? '') : v.kind === 'grant-expiring' && str(v.expiresAt) ? `${relativeWords(str(v.expiresAt)!, now)}, on ${dateWords(str(v.expiresAt)!)}` : '';
  const sentence = (n.kinds[v.kind] ?? (() => n.other))(who, extra);
  const forPerson = actor.kind === 'citizen' || actor.onBehalfOf !== undefined;
  return {
    id: v.id,
    sentence,
    about: !forPerson && v.subjectId ? n.about(messages.people.person(v.subjectId)) : null,
    at: v.at,
    when: dateTimeWords(v.at),
    unread: v.readAt === null,
    target: targetOf(v, actor),
  };
}

const notificationRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  app.get(
    '/notifications',
    { config: withNotices, schema: { hide: true, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const now = deps.clock.now();
      // Unread first (GET /v1/me/notifications?unread=true), then the latest of the rest.
      const [unread, latest] = await Promise.all([listNotifications(deps, actor, { unread: true, limit: 100 }), listNotifications(deps, actor, { limit: 50 })]);
      const earlier = latest.items.filter((v) => v.readAt !== null);
      const lines = async (items: NotificationView[]) => Promise.all(items.map((v) => lineOf(deps, actor, v, now)));
      const notice = request.query.done === 'marked' ? n.marked : undefined;
      return sendPage(reply, <NotificationsPage chrome={chromeOf(request, n.title, notice)} unread={await lines(unread.items)} earlier={await lines(earlier)} />);
    },
  );

  app.post('/notifications/:id/read', { config: withNotices, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await markNotificationRead(deps, actorOf(request), request.params.id);
    return reply.redirect('/app/notifications?done=marked', 303);
  });

  // Opening an unread notice marks it read (POST /v1/me/notifications/{id}/read) and goes to what it names.
  app.post('/notifications/:id/open', { config: withNotices, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const actor = actorOf(request);
    const v = await markNotificationRead(deps, actor, request.params.id);
    return reply.redirect(targetOf(v, actor) ?? '/app/notifications?done=marked', 303);
  });
};

export default notificationRoutes;
