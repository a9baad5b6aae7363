import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, ListSchema, UuidSchema } from '../../core/schemas.js';
import { DeliverySchema, WebhookInputSchema, WebhookSchema } from './schemas.js';
import { deleteWebhook, getWebhook, listDeliveries, putWebhook } from './service.js';
import { startWebhookWorker } from './worker.js';

const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: Deps; intervalMs: number }> = async (app, { deps, intervalMs }) => {
  const admin = { auth: ['admin' as const] };
  const OrgParams = Type.Object({ orgId: UuidSchema }, { additionalProperties: false });

  app.put(
    '/v1/organisations/:orgId/webhook',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: "Set the organisation's alert webhook; answers a new Standard Webhooks secret once",
        params: OrgParams,
        body: WebhookInputSchema,
        response: { 200: WebhookSchema, ...authErrors },
      },
    },
    async (request) => putWebhook(deps, request.params.orgId, request.body),
  );

  app.get(
    '/v1/organisations/:orgId/webhook',
    { config: admin, schema: { tags: ['admin'], summary: "The organisation's webhook", params: OrgParams, response: { 200: WebhookSchema, ...authErrors } } },
    async (request) => getWebhook(deps, request.params.orgId),
  );

  app.delete(
    '/v1/organisations/:orgId/webhook',
    { config: admin, schema: { tags: ['admin'], summary: 'Remove the webhook', params: OrgParams, response: { 204: Type.Null(), ...authErrors } } },
    async (request, reply) => {
      await deleteWebhook(deps, request.params.orgId);
      reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/organisations/:orgId/webhook/deliveries',
    {
      config: admin,
      schema: { tags: ['admin'], summary: 'Recent deliveries and their state', params: OrgParams, response: { 200: ListSchema(DeliverySchema), ...authErrors } },
    },
    async (request) => listDeliveries(deps, request.params.orgId),
  );

  let stop: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stop = startWebhookWorker(deps, app.log, intervalMs);
  });
  app.addHook('preClose', async () => {
    await stop?.();
  });
};

export default webhookRoutes;
