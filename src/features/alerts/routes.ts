import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { AlertListSchema, AlertQuerySchema, AlertSchema } from './schemas.js';
import { ackAlert, listAlerts, streamedAlert } from './service.js';

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

const alertRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const supporters = { auth: ['practitioner' as const, 'client' as const] };
  const streams = new Set<() => void>();
  // Open streams end first on shutdown, so SIGTERM is not held up by them.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  app.get(
    '/v1/alerts',
    {
      config: supporters,
      schema: { tags: ['watches'], summary: 'Your alert feed, newest first', querystring: AlertQuerySchema, response: { 200: AlertListSchema, ...authErrors } },
    },
    async (request) => listAlerts(deps, actorOf(request), request.query),
  );

  app.post(
    '/v1/alerts/:id/ack',
    {
      config: supporters,
      schema: {
        tags: ['watches'],
        summary: 'Acknowledge an alert',
        params: Type.Object({ id: UuidSchema }, { additionalProperties: false }),
        response: { 200: AlertSchema, ...authErrors },
      },
    },
    async (request) => ackAlert(deps, actorOf(request), request.params.id),
  );

  app.get(
    '/v1/alerts/stream',
    {
      config: supporters,
      schema: {
        tags: ['watches'],
        summary: 'New alerts as server-sent events (event `alert`, data = the alert JSON)',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...authErrors },
      },
    },
    (request, reply) => {
      const actor = actorOf(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-content-type-options': 'nosniff',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n\n');
      const unsubscribe = deps.alertBus.subscribe(actor.accountId, (alertId) => {
        streamedAlert(deps, actor.accountId, alertId).then(
          (alert) => {
            if (alert && !res.writableEnded) res.write(`id: ${alert.id}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`);
          },
          (e: unknown) => request.log.warn({ err: e, alertId }, 'alert not streamed'),
        );
      });
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        if (!streams.delete(end)) return;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      };
      streams.add(end);
      request.raw.on('close', end);
    },
  );
};

export default alertRoutes;
