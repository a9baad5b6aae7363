import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { RecordInputSchema, RecordListSchema, RecordParamsSchema, RecordQuerySchema } from './schemas.js';
import { createOwnRecord, deleteOwnRecord, getRecord, listRecords, logDelegateRead, ownScope, toRecordQuery, withSignposting } from './service.js';
import { subjectOf } from '../../core/actor.js';

/** A citizen's own store: `/v1/me/records`. */
const ownRecordRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const citizen = { auth: ['citizen' as const] };

  app.post(
    '/v1/me/records',
    {
      config: { ...citizen, delegable: 'add-records' as const },
      schema: {
        tags: ['records'],
        summary: 'Add a record to your own store (scored where it is a questionnaire)',
        body: RecordInputSchema,
        response: { 201: Type.Ref('Record'), ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return createOwnRecord(deps, actorOf(request), request.body);
    },
  );

  app.get(
    '/v1/me/records',
    {
      config: { ...citizen, delegable: 'read-records' as const },
      schema: {
        tags: ['records'],
        summary: 'List your records, newest first',
        querystring: RecordQuerySchema,
        response: { 200: RecordListSchema, ...authErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { items, nextCursor } = await listRecords(deps, ownScope(subjectOf(actor)), toRecordQuery(deps, request.query));
      await logDelegateRead(deps, actor, items);
      return { items, nextCursor };
    },
  );

  app.get(
    '/v1/me/records/:id',
    {
      config: { ...citizen, delegable: 'read-records' as const },
      schema: { tags: ['records'], summary: 'One of your records', params: RecordParamsSchema, response: { 200: Type.Ref('Record'), ...authErrors } },
    },
    async (request) => {
      const actor = actorOf(request);
      const record = await getRecord(deps, ownScope(subjectOf(actor)), request.params.id);
      await logDelegateRead(deps, actor, [record]);
      return withSignposting(deps, record);
    },
  );

  app.delete(
    '/v1/me/records/:id',
    {
      config: citizen,
      schema: { tags: ['records'], summary: 'Delete one of your records', params: RecordParamsSchema, response: { 204: Type.Null(), ...authErrors } },
    },
    async (request, reply) => {
      await deleteOwnRecord(deps, actorOf(request), request.params.id);
      reply.code(204).send(null);
    },
  );
};

export default ownRecordRoutes;
