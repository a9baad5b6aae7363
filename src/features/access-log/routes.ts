import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { iso } from '../../core/time.js';
import { NotFoundError } from '../../errors.js';
import { currentCheckpoint, startCheckpointSigner } from './checkpoints.js';
import { CheckpointSchema, LogListSchema, LogQuerySchema } from './schemas.js';
import { listAccessLog } from './service.js';
import { subjectOf } from '../../core/actor.js';

const accessLogRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  let stopSigner: (() => Promise<void>) | undefined;
  app.addHook('onReady', async () => {
    stopSigner = startCheckpointSigner(deps, app.log, deps.config.checkpointIntervalSeconds * 1000);
  });
  app.addHook('preClose', async () => {
    await stopSigner?.();
  });

  app.get(
    '/v1/me/access-log',
    {
      config: { auth: ['citizen'], delegable: 'manage-sharing' as const },
      schema: {
        tags: ['access-log'],
        summary: 'Every read, append, grant change and request decision on your store, hash-chained',
        querystring: LogQuerySchema,
        response: { 200: LogListSchema, ...authErrors },
      },
    },
    async (request) => listAccessLog(deps, subjectOf(actorOf(request)), request.query),
  );

  app.get(
    '/v1/me/access-log/checkpoint',
    {
      config: { auth: ['citizen'], delegable: 'manage-sharing' as const },
      schema: {
        tags: ['access-log'],
        summary: 'A signed checkpoint of your access log’s latest entry, to keep as proof of what it held',
        description:
          'A compact JWS (EdDSA, verifiable against /.well-known/jwks.json) over your chain’s head. Keep it: ' +
          '`tessera audit verify --checkpoints FILE` fails if the chain no longer reaches it.',
        response: { 200: CheckpointSchema, ...authErrors },
      },
    },
    async (request) => {
      const subjectId = subjectOf(actorOf(request));
      const c = await currentCheckpoint(deps, subjectId);
      if (!c) throw new NotFoundError('Your access log has no entries yet, so there is nothing to sign');
      return { subjectId, seq: c.seq, hash: c.hash, at: iso(c.at), checkpoint: c.jws };
    },
  );
};

export default accessLogRoutes;
