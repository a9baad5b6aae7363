import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { OutcomesAnswerSchema, OutcomesQuerySchema } from './schemas.js';
import { queryOutcomes } from './service.js';

/** Outcome reporting for an organisation's practitioners and systems: aggregates only. */
const outcomeRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.post(
    '/v1/outcomes/query',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['outcomes'],
        summary: 'Aggregates over the people who gave your organisation outcome-reporting consent, with disclosure control',
        body: OutcomesQuerySchema,
        response: { 200: OutcomesAnswerSchema, ...authErrors },
      },
    },
    async (request) => queryOutcomes(deps, actorOf(request), request.body),
  );
};

export default outcomeRoutes;
