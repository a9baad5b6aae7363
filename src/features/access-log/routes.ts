import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { LogListSchema, LogQuerySchema } from './schemas.js';
import { listAccessLog } from './service.js';

const accessLogRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/v1/me/access-log',
    {
      config: { auth: ['citizen'] },
      schema: {
        tags: ['access-log'],
        summary: 'Every read, append, grant change and request decision on your store, hash-chained',
        querystring: LogQuerySchema,
        response: { 200: LogListSchema, ...authErrors },
      },
    },
    async (request) => listAccessLog(deps, actorOf(request).subjectId!, request.query),
  );
};

export default accessLogRoutes;
