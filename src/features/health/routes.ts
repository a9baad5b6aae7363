import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { TesseraError } from '../../errors.js';

const healthRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      config: { auth: 'public' },
      schema: { tags: ['service'], summary: 'Liveness and database readiness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    },
    async () => {
      try {
        await deps.storage.ping();
      } catch {
        throw new TesseraError('TESSERA_UNAVAILABLE', 'The database is not answering');
      }
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/.well-known/jwks.json',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['service'],
        summary: 'Public keys that verify access tokens and consent receipts (RFC 7517)',
        response: {
          200: Type.Object({
            keys: Type.Array(
              Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() }),
            ),
          }),
        },
      },
    },
    async (_request, reply) => {
      // Short, so verifiers pick up a rotated key soon; they refetch on an unknown kid anyway.
      reply.header('cache-control', 'public, max-age=300');
      return deps.keyring.jwks();
    },
  );
};

export default healthRoutes;
