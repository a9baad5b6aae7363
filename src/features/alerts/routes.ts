import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { RateLimitedError } from '../../errors.js';
import { actorOf, liveSession } from '../../plugins/auth.js';
import { AlertListSchema, AlertQuerySchema, AlertSchema } from './schemas.js';
import { ackAlert, alertForDelivery, listAlerts } from './service.js';

/** Comment lines keep proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** How often an idle stream re-reads its session, so a revoked one closes without waiting for an alert. */
const RECHECK_MS = 5_000;
/** Streams one account may hold open at once (each holds a socket and a subscription). */
export const MAX_STREAMS_PER_ACCOUNT = 5;

const alertRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const supporters = { auth: ['practitioner' as const, 'client' as const] };
  const streams = new Set<() => void>();
  // Per process: with several instances each counts its own (docs/security.md).
  const openStreams = new Map<string, number>();
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
      // The web app's alerts page listens with its session cookie (a GET changes nothing).
      config: { ...supporters, credentials: 'token-or-cookie' },
      schema: {
        tags: ['watches'],
        summary: 'New alerts as server-sent events (event `alert`, data = the alert JSON)',
        produces: ['text/event-stream'],
        response: { 200: Type.String({ description: 'text/event-stream' }), ...authErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const open = openStreams.get(actor.accountId) ?? 0;
      if (open >= MAX_STREAMS_PER_ACCOUNT) {
        throw new RateLimitedError(30, `At most ${MAX_STREAMS_PER_ACCOUNT} alert streams may be open at once for one account; close one first`);
      }
      openStreams.set(actor.accountId, open + 1);
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
      let closed = false;
      // Deliveries and checks run one at a time, in order, so a check that ends the stream
      // always comes before anything published after the change it saw.
      let queue: Promise<void> = Promise.resolve();
      const run = (step: () => Promise<void>) => {
        queue = queue.then(step).catch((e: unknown) => {
          request.log.warn({ err: e }, 'alert stream check failed; closing the stream');
          end();
        });
      };
      // The session, the account and the token are re-read before every delivery: revocation,
      // disabling or expiry close the stream instead of letting it outlive the grant of access.
      const holds = async () =>
        (request.tokenExpiresAt === null || deps.clock.now() < request.tokenExpiresAt) &&
        (await liveSession(deps, actor.sessionId, actor.accountId)) !== undefined;
      const unsubscribe = deps.alertBus.subscribe(actor.accountId, (row) =>
        run(async () => {
          if (closed) return;
          if (!(await holds())) return end('session');
          // Grants are re-checked per alert: what matched is sent only while a grant covers it.
          const view = await alertForDelivery(deps, actor, row);
          if (view && !closed) res.write(`id: ${view.id}\nevent: alert\ndata: ${JSON.stringify(view)}\n\n`);
        }),
      );
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const recheck = setInterval(
        () =>
          run(async () => {
            if (!closed && !(await holds())) end('session');
          }),
        RECHECK_MS,
      );
      function end(reason?: string) {
        if (closed) return;
        closed = true;
        streams.delete(end);
        openStreams.set(actor.accountId, (openStreams.get(actor.accountId) ?? 1) - 1);
        if (openStreams.get(actor.accountId)! <= 0) openStreams.delete(actor.accountId);
        clearInterval(heartbeat);
        clearInterval(recheck);
        unsubscribe();
        // Tells the client why, so it does not reconnect with the same token.
        if (reason) res.write(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
        res.end();
      }
      streams.add(end);
      request.raw.on('close', () => end());
      return reply;
    },
  );
};

export default alertRoutes;
