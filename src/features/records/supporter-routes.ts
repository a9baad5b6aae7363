import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { RecordBatchSchema, RecordInputSchema, RecordQuerySchema, SliceSchema } from './schemas.js';
import { appendRecords, readSlice } from './supporter-service.js';

const SubjectParams = Type.Object({ subjectId: UuidSchema }, { additionalProperties: false });

const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', description: 'Makes a retry safe: same key and body → same records' }),
  ),
});

const errors = { ...authErrors, 409: Type.Ref('Problem') };

/** Supporters and provider systems on a person's store: `/v1/subjects/:subjectId/records`. */
const supporterRecordRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const supporters = ['practitioner' as const, 'client' as const];

  app.get(
    '/v1/subjects/:subjectId/records',
    {
      config: { auth: supporters, access: 'read', smart: true },
      schema: {
        tags: ['supporters'],
        summary: "Read the slice of a person's store your active read grants cover",
        params: SubjectParams,
        querystring: RecordQuerySchema,
        response: { 200: SliceSchema, ...authErrors },
      },
    },
    async (request) => readSlice(deps, actorOf(request), request.params.subjectId, request.grants, request.query),
  );

  app.post(
    '/v1/subjects/:subjectId/records',
    {
      config: { auth: supporters, access: 'append', smart: true },
      schema: {
        tags: ['supporters'],
        summary: 'Append one record under an append grant (honours Idempotency-Key)',
        params: SubjectParams,
        headers: IdempotencyHeaders,
        body: RecordInputSchema,
        response: { 201: Type.Ref('Record'), ...errors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await appendRecords(deps, actorOf(request), request.params.subjectId, request.grants, [request.body], false, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      reply.code(201);
      return result.views[0]!;
    },
  );

  app.post(
    '/v1/subjects/:subjectId/records/batch',
    {
      config: { auth: supporters, access: 'append', smart: true },
      schema: {
        tags: ['supporters'],
        summary: 'Append up to 500 records at once, all or nothing (honours Idempotency-Key)',
        params: SubjectParams,
        headers: IdempotencyHeaders,
        body: RecordBatchSchema,
        response: { 201: Type.Object({ items: Type.Array(Type.Ref('Record')) }), ...errors },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await appendRecords(deps, actorOf(request), request.params.subjectId, request.grants, request.body.records, true, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      reply.code(201);
      return { items: result.views };
    },
  );
};

export default supporterRecordRoutes;
