import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { requestRenewal } from './renewal.js';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import {
  AcceptedSchema,
  AccessRequestInputSchema,
  AccessRequestListSchema,
  AccessRequestQuerySchema,
  AccessRequestSchema,
  ApproveSchema,
  RenewalSchema,
} from './schemas.js';
import { approveRequest, denyRequest, listRequests, requestAccess } from './service.js';
import { subjectOf } from '../../core/actor.js';

/** The least time an access request is answered in, whether or not it was stored. */
export const ANSWER_FLOOR_MS = 40;

const accessRequestRoutes: FastifyPluginAsyncTypebox<{ deps: Deps; perMinute: number }> = async (app, { deps, perMinute }) => {
  const citizen = { auth: ['citizen' as const] };
  const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });

  app.post(
    '/v1/subjects/:subjectId/access-requests',
    {
      config: {
        auth: ['practitioner', 'client'],
        access: 'none',
        // Per requesting account, after authentication: asking is cheap, pestering is not.
        rateLimit: { max: perMinute, timeWindow: 60_000, hook: 'preHandler', keyGenerator: (r: FastifyRequest) => r.actor?.accountId ?? r.ip },
      },
      schema: {
        tags: ['supporters'],
        summary: 'Ask a person for a slice; 202 whether or not the person exists',
        params: Type.Object({ subjectId: UuidSchema }, { additionalProperties: false }),
        body: AccessRequestInputSchema,
        response: { 202: AcceptedSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      const started = performance.now();
      const accepted = await requestAccess(deps, actorOf(request), request.params.subjectId, request.body);
      // Storing a request costs a write that a request to nobody does not: every answer waits
      // for the same floor, so its timing does not tell whether the person exists.
      const left = ANSWER_FLOOR_MS - (performance.now() - started);
      if (left > 0) await new Promise((r) => setTimeout(r, left));
      reply.code(202);
      return accepted;
    },
  );

  app.get(
    '/v1/me/access-requests',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['access-requests'],
        summary: 'Requests for access to your store, newest first',
        querystring: AccessRequestQuerySchema,
        response: { 200: AccessRequestListSchema, ...authErrors },
      },
    },
    async (request) => listRequests(deps, subjectOf(actorOf(request)), request.query),
  );

  app.post(
    '/v1/me/access-requests/:id/approve',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['access-requests'],
        summary: 'Approve a request, optionally narrowing it; answers with the grant and its receipt',
        params: IdParams,
        body: ApproveSchema,
        response: { 201: Type.Ref('Grant'), ...authErrors, 409: Type.Ref('Problem') },
      },
      // The narrowing body is optional: no body means approve as asked.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.code(201);
      return approveRequest(deps, actor, subjectOf(actor), request.params.id, request.body);
    },
  );

  app.post(
    '/v1/me/access-requests/:id/deny',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['access-requests'],
        summary: 'Deny a request: nothing is granted',
        params: IdParams,
        response: { 200: AccessRequestSchema, ...authErrors, 409: Type.Ref('Problem') },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return denyRequest(deps, actor, subjectOf(actor), request.params.id);
    },
  );

  app.post(
    '/v1/grants/:id/renewal',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['supporters'],
        summary: 'Ask the person to renew a grant you hold: an access request with its terms, for them to approve',
        params: IdParams,
        response: { 202: RenewalSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return requestRenewal(deps, actorOf(request), request.params.id);
    },
  );
};

export default accessRequestRoutes;
