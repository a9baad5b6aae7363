import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, CursorSchema, LimitSchema, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { WatchInputSchema, WatchListSchema, WatchSchema } from './schemas.js';
import { createWatch, deleteOwnWatch, deleteWatchOnMe, listOwnWatches, listWatchesOnMe } from './service.js';
import { subjectOf } from '../../core/actor.js';

const watchRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const supporters = ['practitioner' as const, 'client' as const];
  const SubjectParams = Type.Object({ subjectId: UuidSchema }, { additionalProperties: false });
  const WatchParams = Type.Object({ subjectId: UuidSchema, id: UuidSchema }, { additionalProperties: false });

  app.post(
    '/v1/subjects/:subjectId/watches',
    {
      config: { auth: supporters, access: 'read' },
      schema: {
        tags: ['watches'],
        summary: 'Watch a type your read grant covers: a threshold, a flag or a change rule',
        params: SubjectParams,
        body: WatchInputSchema,
        response: { 201: WatchSchema, 409: Type.Ref('Problem'), ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createWatch(deps, actorOf(request), request.params.subjectId, request.grants, request.body);
    },
  );

  app.get(
    '/v1/subjects/:subjectId/watches',
    {
      config: { auth: supporters, access: 'read' },
      schema: { tags: ['watches'], summary: 'Your watches on this person', params: SubjectParams, response: { 200: WatchListSchema, ...authErrors } },
    },
    async (request) => listOwnWatches(deps, actorOf(request), request.params.subjectId, request.grants),
  );

  app.delete(
    '/v1/subjects/:subjectId/watches/:id',
    {
      // No grant needed to remove your own watch, so a supporter can tidy up after revocation.
      config: { auth: supporters, access: 'none' },
      schema: { tags: ['watches'], summary: 'Remove one of your watches', params: WatchParams, response: { 204: Type.Null(), ...authErrors } },
    },
    async (request, reply) => {
      await deleteOwnWatch(deps, actorOf(request), request.params.subjectId, request.params.id);
      reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/me/watches',
    {
      config: { auth: ['citizen'], delegable: 'manage-sharing' as const },
      schema: {
        tags: ['watches'],
        summary: 'Who watches what on your store, oldest first',
        querystring: Type.Object({ cursor: Type.Optional(CursorSchema), limit: Type.Optional(LimitSchema) }, { additionalProperties: false }),
        response: { 200: WatchListSchema, ...authErrors },
      },
    },
    async (request) => listWatchesOnMe(deps, subjectOf(actorOf(request)), request.query),
  );

  app.delete(
    '/v1/me/watches/:id',
    {
      config: { auth: ['citizen'], delegable: 'manage-sharing' as const },
      schema: {
        tags: ['watches'],
        summary: 'Remove a watch on your store (the supporter is told in their feed)',
        params: Type.Object({ id: UuidSchema }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await deleteWatchOnMe(deps, actor, subjectOf(actor), request.params.id);
      reply.code(204).send(null);
    },
  );
};

export default watchRoutes;
