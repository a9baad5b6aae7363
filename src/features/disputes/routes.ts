import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, ListSchema, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { DisputeInputSchema, DisputeListQuerySchema, DisputeSchema, ResolvedSchema, ResolveInputSchema } from './schemas.js';
import { listDisputesForWriter, openDispute, resolveDispute } from './service.js';

const disputeRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const conflict = { 409: Type.Ref('Problem') };

  app.post(
    '/v1/me/records/:recordId/disputes',
    {
      // Disputing is adding the person's own words about a record: a delegate who may add records may.
      config: { auth: ['citizen'], delegable: 'add-records' },
      schema: {
        tags: ['records'],
        summary: 'Dispute a record someone else wrote in your store, with a statement; the writer is told',
        params: Type.Object({ recordId: UuidSchema }, { additionalProperties: false }),
        body: DisputeInputSchema,
        response: { 201: DisputeSchema, ...authErrors, ...conflict },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return openDispute(deps, actorOf(request), request.params.recordId, request.body);
    },
  );

  app.get(
    '/v1/disputes',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['supporters'],
        summary: 'Disputes of records your organisation wrote, newest first',
        querystring: DisputeListQuerySchema,
        response: { 200: ListSchema(DisputeSchema), ...authErrors },
      },
    },
    async (request) => listDisputesForWriter(deps, actorOf(request), request.query),
  );

  app.post(
    '/v1/disputes/:id/resolve',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['supporters'],
        summary: 'Resolve a dispute: amended (with the corrected record), entered-in-error or upheld; the person is told',
        params: Type.Object({ id: UuidSchema }, { additionalProperties: false }),
        body: ResolveInputSchema,
        response: {
          200: ResolvedSchema,
          ...authErrors,
          ...conflict,
        },
      },
    },
    async (request) => resolveDispute(deps, actorOf(request), request.params.id, request.body),
  );
};

export default disputeRoutes;
