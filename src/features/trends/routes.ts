import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { TrendQuerySchema, TrendSchema } from './schemas.js';
import { ownTrend, supporterTrend } from './service.js';

/** Trends: a person's series in one type, for their own learning and (within grants) their supporters'. */
const trendRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/v1/me/trends',
    {
      config: { auth: ['citizen'], delegable: 'read-records' },
      schema: {
        tags: ['records'],
        summary: 'Your series in one type: points, baseline, latest, change and whether it is meaningful',
        querystring: TrendQuerySchema,
        response: { 200: TrendSchema, ...authErrors },
      },
    },
    async (request) => ownTrend(deps, actorOf(request), request.query),
  );

  app.get(
    '/v1/subjects/:subjectId/trends',
    {
      config: { auth: ['practitioner', 'client'], access: 'read' },
      schema: {
        tags: ['supporters'],
        summary: "A person's series in one type, from the records your read grants cover (logged)",
        params: Type.Object({ subjectId: UuidSchema }, { additionalProperties: false }),
        querystring: TrendQuerySchema,
        response: { 200: TrendSchema, ...authErrors },
      },
    },
    async (request) => supporterTrend(deps, actorOf(request), request.params.subjectId, request.grants, request.query),
  );
};

export default trendRoutes;
