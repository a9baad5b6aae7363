import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, ListSchema, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { subjectOf } from '../../core/actor.js';
import { DelegateInputSchema, DelegationSchema, DelegationTokenSchema } from './schemas.js';
import { createDelegation, delegationToken, listDelegates, listDelegations, revokeDelegation } from './service.js';

const delegateRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  // No `delegable` on these: naming or ending delegates is never done by a delegate.
  const person = { auth: ['citizen' as const] };
  const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });

  app.post(
    '/v1/me/delegates',
    {
      config: person,
      schema: {
        tags: ['delegates'],
        summary: 'Name someone to act for you, with powers, a basis and an expiry',
        body: DelegateInputSchema,
        response: { 201: DelegationSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createDelegation(deps, actorOf(request), request.body);
    },
  );

  app.get(
    '/v1/me/delegates',
    { config: person, schema: { tags: ['delegates'], summary: 'Everyone you have named as a delegate, ended ones too', response: { 200: ListSchema(DelegationSchema), ...authErrors } } },
    async (request) => listDelegates(deps, subjectOf(actorOf(request))),
  );

  app.delete(
    '/v1/me/delegates/:id',
    {
      config: person,
      schema: { tags: ['delegates'], summary: 'End a delegation (answers its revocation receipt)', params: IdParams, response: { 200: DelegationSchema, ...authErrors } },
    },
    async (request) => revokeDelegation(deps, actorOf(request), request.params.id),
  );

  app.get(
    '/v1/delegations',
    {
      config: { auth: ['citizen', 'practitioner'] },
      schema: { tags: ['delegates'], summary: 'The people you may act for now', response: { 200: ListSchema(DelegationSchema), ...authErrors } },
    },
    async (request) => listDelegations(deps, actorOf(request)),
  );

  app.post(
    '/v1/delegations/:id/token',
    {
      config: { auth: ['citizen', 'practitioner'] },
      schema: {
        tags: ['delegates'],
        summary: 'A token to act for the person within your powers (their /v1/me routes)',
        params: IdParams,
        response: { 200: DelegationTokenSchema, ...authErrors },
      },
    },
    async (request) => delegationToken(deps, actorOf(request), request.params.id, (claims, expiresIn) => app.signAccessToken(claims, expiresIn)),
  );
};

export default delegateRoutes;
