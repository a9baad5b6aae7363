import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { authErrors } from '../../core/schemas.js';
import type { Deps } from '../../core/deps.js';
import { actorOf } from '../../plugins/auth.js';
import { MeSchema, SignedUpSchema, SignUpSchema } from './schemas.js';
import { eraseMe } from './erase.js';
import { describeMe, signUp } from './service.js';

const accountRoutes: FastifyPluginAsyncTypebox<{ deps: Deps; signUpPerMinute: number }> = async (app, { deps, signUpPerMinute }) => {
  app.post(
    '/v1/accounts',
    {
      config: { auth: 'public', rateLimit: { max: signUpPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['accounts'],
        summary: 'Sign up as a citizen: creates your own encrypted store',
        body: SignUpSchema,
        response: { 201: SignedUpSchema, 400: authErrors[400], 409: authErrors[400], 429: authErrors[429] },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return signUp(deps, request.body, request.ip);
    },
  );

  app.get(
    '/v1/me',
    {
      config: { auth: ['citizen', 'practitioner', 'client', 'admin'] },
      schema: { tags: ['accounts'], summary: 'Your own account', response: { 200: MeSchema, 401: authErrors[401] } },
    },
    async (request) => describeMe(deps, actorOf(request)),
  );

  app.delete(
    '/v1/me',
    {
      config: { auth: ['citizen'] },
      schema: {
        tags: ['accounts'],
        summary: 'Erase yourself: your key is destroyed first, then all your data; needs your password',
        body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ subjectId: Type.String(), erasedAt: Type.String({ format: 'date-time' }) }), ...authErrors },
      },
    },
    async (request) => eraseMe(deps, actorOf(request), request.body.password, request.ip),
  );
};

export default accountRoutes;
