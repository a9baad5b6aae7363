import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { LogEntrySchema } from '../access-log/schemas.js';
import { AccessRequestSchema } from '../access-requests/schemas.js';
import { WatchSchema } from '../watches/schemas.js';
import { ExportDocumentSchema, ExportQuerySchema, FhirBundleSchema } from './schemas.js';
import { exportHeaders, startExport, type Serialisers } from './service.js';

/** Item schemas the `json` export writes with; compiled once per route (fastify caches by object). */
const itemSchemas: Record<keyof Serialisers, object> = {
  record: Type.Ref('Record'),
  grant: Type.Ref('Grant'),
  accessRequest: AccessRequestSchema,
  watch: WatchSchema,
  logEntry: LogEntrySchema,
};

/** Stream buffer: enough to keep the socket busy, small enough that memory stays flat. */
const HIGH_WATER_MARK = 64 * 1024;

/**
 * Streams a person's export as a download, logged before the first byte; the API route and the
 * web app's download both answer through here.
 */
export async function sendExport(deps: Deps, actor: Actor, format: 'json' | 'fhir', reply: FastifyReply): Promise<FastifyReply> {
  // Compiled from the same schemas the list endpoints answer with (cached per schema object).
  const compile = (schema: object) => reply.compileSerializationSchema(schema as Record<string, unknown>);
  const serialisers: Serialisers = {
    record: compile(itemSchemas.record),
    grant: compile(itemSchemas.grant),
    accessRequest: compile(itemSchemas.accessRequest),
    watch: compile(itemSchemas.watch),
    logEntry: compile(itemSchemas.logEntry),
  };
  const ex = await startExport(deps, actor, format, serialisers);
  // A stream bypasses the response schema: fastify pipes it to the socket as written.
  reply
    .header('content-type', ex.contentType)
    .header('content-disposition', `attachment; filename="${ex.filename}"`)
    .header('cache-control', 'no-store');
  return reply.send(Readable.from(ex.body, { objectMode: false, highWaterMark: HIGH_WATER_MARK }));
}

const exportRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  app.get(
    '/v1/me/export',
    {
      config: { auth: ['citizen'] },
      schema: {
        tags: ['export'],
        summary: 'Everything Tessera holds about you, as one JSON document or a FHIR R4 Bundle (streamed)',
        description:
          'Records (decrypted), grants with their consent receipts, access requests, watches on you and your access log. ' +
          '`format=json` (default) is Tessera’s own shape; `format=fhir` is a FHIR R4 Bundle of type `collection` with a ' +
          'Patient, Observations, QuestionnaireResponses, Goals and Consents (see docs/export.md). Each export is an ' +
          'access-log entry, written before the first byte is sent. The body is streamed.',
        querystring: ExportQuerySchema,
        response: {
          200: {
            description: 'The export, as an attachment',
            content: {
              'application/json': { schema: ExportDocumentSchema },
              'application/fhir+json': { schema: FhirBundleSchema },
            },
          },
          ...authErrors,
        },
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'json';
      if (request.method === 'HEAD') {
        // Fastify would run the whole export and drain it to answer HEAD: answer the headers
        // only, reading nothing and logging nothing, since nothing is disclosed.
        const { filename, contentType } = exportHeaders(format, deps.clock.now());
        return reply.header('content-type', contentType).header('content-disposition', `attachment; filename="${filename}"`).send();
      }
      return sendExport(deps, actorOf(request), format, reply);
    },
  );
};

export default exportRoutes;
