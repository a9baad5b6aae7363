import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { subjectOf } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { authErrors, UuidSchema } from '../../core/schemas.js';
import { TesseraError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { jsonBodyParser } from '../../plugins/input.js';
import { ImportBodySchema, ImportSchema, type ImportFormat } from './schemas.js';
import { importStatus, startImport } from './service.js';

/** Imports may be large: a year of minute-by-minute heart rates is far above the API's 1 MiB. */
const IMPORT_BODY_LIMIT = 64 * 1024 * 1024;

const errors = { ...authErrors, 409: Type.Ref('Problem'), 413: Type.Ref('Problem'), 415: Type.Ref('Problem') };

function formatOf(contentType: string | undefined, body: unknown): ImportFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (type === 'application/fhir+json') return 'fhir';
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'resourceType' in body ? 'fhir' : 'omh';
}

export interface ImportRouteOptions {
  deps: Deps;
  maxDepth: number;
}

/** `POST /v1/me/imports`, `POST /v1/subjects/{id}/imports` and their status (docs/imports.md). */
const importRoutes: FastifyPluginAsyncTypebox<ImportRouteOptions> = async (app, { deps, maxDepth }) => {
  // Imports still running when the server closes finish (or fail) before storage closes.
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });
  app.addSchema(ImportSchema);
  // Only these routes read FHIR JSON and CSV bodies (this plugin is encapsulated): elsewhere they stay a 415.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'buffer', bodyLimit: IMPORT_BODY_LIMIT }, jsonBodyParser(app, maxDepth));
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new TesseraError('TESSERA_UNSUPPORTED_MEDIA_TYPE', `CSV is read as UTF-8 only, not ${charset}`), undefined);
      return;
    }
    done(null, body);
  });

  const answer = async (reply: FastifyReply, started: Awaited<ReturnType<typeof startImport>>, location: string) => {
    reply.header('location', location);
    if (started.running) {
      const job = started.running.finally(() => running.delete(job));
      running.add(job);
      reply.code(202).header('retry-after', '1');
    } else reply.code(201);
    return started.view;
  };

  app.post(
    '/v1/me/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { auth: ['citizen'], delegable: 'add-records' },
      schema: {
        tags: ['imports'],
        summary: 'Import a FHIR R4 Bundle, Open mHealth data points or CSV into your own store (all or nothing; the same content twice adds nothing)',
        body: ImportBodySchema,
        response: { 201: Type.Ref('Import'), 202: Type.Ref('Import'), ...errors },
      },
    },
    async (request, reply) => {
      const target = { subjectId: subjectOf(actorOf(request)), through: 'own' as const };
      const started = await startImport(deps, actorOf(request), target, formatOf(request.headers['content-type'], request.body), request.body);
      return answer(reply, started, `/v1/me/imports/${started.view.id}`);
    },
  );

  app.get(
    '/v1/me/imports/:id',
    {
      config: { auth: ['citizen'], delegable: 'add-records' },
      schema: {
        tags: ['imports'],
        summary: 'One of your imports: status and progress',
        params: Type.Object({ id: UuidSchema }, { additionalProperties: false }),
        response: { 200: Type.Ref('Import'), ...authErrors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return importStatus(deps, subjectOf(actor), actor.accountId, request.params.id);
    },
  );

  app.post(
    '/v1/subjects/:subjectId/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { auth: ['practitioner', 'client'], access: 'append', smart: true },
      schema: {
        tags: ['imports'],
        summary: 'Import into a person’s store under your append grants (each record inside one; all or nothing)',
        params: Type.Object({ subjectId: UuidSchema }, { additionalProperties: false }),
        body: ImportBodySchema,
        response: { 201: Type.Ref('Import'), 202: Type.Ref('Import'), ...errors },
      },
    },
    async (request, reply) => {
      const { subjectId } = request.params;
      const started = await startImport(deps, actorOf(request), { subjectId, through: 'grants' }, formatOf(request.headers['content-type'], request.body), request.body);
      return answer(reply, started, `/v1/subjects/${subjectId}/imports/${started.view.id}`);
    },
  );

  app.get(
    '/v1/subjects/:subjectId/imports/:id',
    {
      config: { auth: ['practitioner', 'client'], access: 'append', smart: true },
      schema: {
        tags: ['imports'],
        summary: 'An import you started into a person’s store: status and progress',
        params: Type.Object({ subjectId: UuidSchema, id: UuidSchema }, { additionalProperties: false }),
        response: { 200: Type.Ref('Import'), ...authErrors },
      },
    },
    async (request) => importStatus(deps, request.params.subjectId, actorOf(request).accountId, request.params.id),
  );
};

export default importRoutes;
