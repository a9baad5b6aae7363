import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { NotificationListSchema, NotificationQuerySchema, NotificationSchema } from './schemas.js';
import { listNotifications, markNotificationRead, startExpiryNotifier } from './service.js';

/** How often grants ending soon are looked for (their notices are made once each). */
const EXPIRY_SCAN_MS = 10 * 60 * 1000;

const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const anyone = { auth: ['citizen' as const, 'practitioner' as const, 'client' as const], delegable: 'manage-sharing' as const };

  app.get(
    '/v1/me/notifications',
    {
      config: anyone,
      schema: { tags: ['notifications'], summary: 'Your notices, newest first', querystring: NotificationQuerySchema, response: { 200: NotificationListSchema, ...authErrors } },
    },
    async (request) => listNotifications(deps, actorOf(request), request.query),
  );

  app.post(
    '/v1/me/notifications/:id/read',
    {
      config: anyone,
      schema: {
        tags: ['notifications'],
        summary: 'Mark a notice read',
        params: Type.Object({ id: UuidSchema }, { additionalProperties: false }),
        response: { 200: NotificationSchema, ...authErrors },
      },
    },
    async (request) => markNotificationRead(deps, actorOf(request), request.params.id),
  );

  let stop: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stop = startExpiryNotifier(deps, app.log, EXPIRY_SCAN_MS);
  });
  app.addHook('preClose', async () => {
    await stop?.();
  });
};

export default notificationRoutes;
