import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { GrantInputSchema, GrantListQuerySchema, GrantListSchema, GrantParamsSchema, OwnGrantListQuerySchema, PreviewSchema } from './schemas.js';
import { createGrant, getOwnGrant, listGranteeGrants, listOwnGrants, previewGrant, revokeGrant } from './service.js';
import { subjectOf } from '../../core/actor.js';

const grantRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const citizen = { auth: ['citizen' as const] };
  const Grant = Type.Ref('Grant');

  app.post(
    '/v1/me/grants',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['grants'],
        summary: 'Grant a supporter or organisation a slice of your store; answers with a signed consent receipt',
        body: GrantInputSchema,
        response: { 201: Grant, ...authErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.code(201);
      return createGrant(deps, actor, subjectOf(actor), request.body);
    },
  );

  app.post(
    '/v1/me/grants/preview',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['grants'],
        summary: 'What a grant with these terms would expose now (creates nothing)',
        body: GrantInputSchema,
        response: { 200: PreviewSchema, ...authErrors },
      },
    },
    async (request) => previewGrant(deps, subjectOf(actorOf(request)), request.body),
  );

  app.get(
    '/v1/me/grants',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: { tags: ['grants'], summary: 'Your grants, newest first', querystring: OwnGrantListQuerySchema, response: { 200: GrantListSchema, ...authErrors } },
    },
    async (request) => listOwnGrants(deps, subjectOf(actorOf(request)), request.query),
  );

  app.get(
    '/v1/me/grants/:id',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: { tags: ['grants'], summary: 'One of your grants', params: GrantParamsSchema, response: { 200: Grant, ...authErrors } },
    },
    async (request) => getOwnGrant(deps, subjectOf(actorOf(request)), request.params.id),
  );

  app.delete(
    '/v1/me/grants/:id',
    {
      config: { ...citizen, delegable: 'manage-sharing' as const },
      schema: {
        tags: ['grants'],
        summary: 'Revoke a grant: effective on the next request; answers with a revocation receipt',
        params: GrantParamsSchema,
        response: { 200: Grant, ...authErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return revokeGrant(deps, actor, subjectOf(actor), request.params.id);
    },
  );

  app.get(
    '/v1/grants',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['supporters'],
        summary: 'Grants made to you or your organisation (your caseload); active ones unless status says otherwise',
        querystring: GrantListQuerySchema,
        response: { 200: GrantListSchema, ...authErrors },
      },
    },
    async (request) => listGranteeGrants(deps, actorOf(request), request.query),
  );
};

export default grantRoutes;
