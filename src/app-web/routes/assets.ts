import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../../errors.js';
import { stylesheet } from '../styles.js';

/**
 * The app's script, compiled by `npm run build` (tsconfig.client.json) into dist/. Both this
 * module's source (src/app-web/routes/) and its build (dist/app-web/routes/) sit three folders
 * below the checkout, so one relative path finds the built file from either.
 */
const scriptUrl = new URL('../../../dist/app-web/client/app.js', import.meta.url);

const assetRoutes: FastifyPluginAsync = async (app) => {
  let script: Promise<string> | undefined;
  const options = { config: { auth: 'public' as const }, schema: { hide: true } };

  app.get('/assets/app.js', options, async (request, reply) => {
    script ??= readFile(scriptUrl, 'utf8');
    const body = await script.catch((err: unknown) => {
      script = undefined;
      request.log.error({ err }, 'the web app script is not built: run npm run build');
      throw new NotFoundError('The app script is not built');
    });
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body);
  });

  app.get('/assets/app.css', options, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(stylesheet),
  );
};

export default assetRoutes;
