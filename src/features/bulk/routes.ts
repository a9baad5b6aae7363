import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { errorCodes, NotFoundError, TesseraError, ValidationError, type ErrorCode } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { FhirErrors, OperationOutcomeSchema } from '../fhir/schemas.js';
import { bulkTypes, cancel, exportOf, kickOff, manifest, ndjson } from './service.js';

const supporters = ['practitioner' as const, 'client' as const];
const config = { auth: supporters, errors: 'fhir' as const, smart: true };
const ExportParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });

/** A small buffer: a file is streamed one person's page at a time. */
const HIGH_WATER_MARK = 64 * 1024;

function accepted(id: string, text: string) {
  return {
    resourceType: 'OperationOutcome' as const,
    id,
    issue: [{ severity: 'information', code: 'informational', details: { coding: [{ system: 'urn:tessera:bulk', code: 'accepted' }], text: 'Accepted' }, diagnostics: text }],
  };
}

/** FHIR Bulk Data Access 2.0: Group export of an organisation's caseload (docs/fhir.md "Bulk Data"). */
const bulkRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  // Exports still running when the server closes finish (or fail) before storage closes.
  const running = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...running]);
  });

  app.get(
    '/fhir/r4/Group/:organisationId/$export',
    {
      config,
      schema: {
        tags: ['fhir'],
        summary: 'Bulk Data kick-off: export the organisation’s caseload (send Prefer: respond-async); 202 with Content-Location',
        params: Type.Object({ organisationId: UuidSchema }, { additionalProperties: false }),
        querystring: Type.Object(
          {
            _type: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: `Comma-separated: ${bulkTypes.join(', ')}` })),
            _since: Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: 'Only records stored at or after this instant' })),
            _outputFormat: Type.Optional(Type.String({ maxLength: 64, description: 'application/fhir+ndjson (the default and only format)' })),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({ prefer: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 202: OperationOutcomeSchema, ...FhirErrors },
      },
    },
    async (request, reply) => {
      if (!/\brespond-async\b/.test(request.headers.prefer ?? '')) throw new ValidationError([{ field: 'prefer', pointer: '/prefer', in: 'headers', detail: 'must be respond-async: a Bulk Data export always runs asynchronously' }]);
      const base = deps.config.publicUrl.replace(/\/+$/, '');
      const started = await kickOff(deps, actorOf(request), request.params.organisationId, request.query, `${base}${request.url}`);
      const job = started.running.finally(() => running.delete(job));
      running.add(job);
      reply.code(202).header('content-location', `${base}/fhir/r4/bulk/${started.id}`).type('application/fhir+json; charset=utf-8');
      return accepted(started.id, 'The export has started; poll the Content-Location URL');
    },
  );

  app.get(
    '/fhir/r4/bulk/:id',
    {
      config,
      schema: {
        tags: ['fhir'],
        summary: 'Bulk Data status: 202 with X-Progress while running, then 200 with the manifest',
        params: ExportParams,
        response: {
          200: Type.Object(
            {
              transactionTime: Type.String(),
              request: Type.String(),
              requiresAccessToken: Type.Boolean(),
              output: Type.Array(Type.Object({ type: Type.String(), url: Type.String(), count: Type.Integer() })),
              error: Type.Array(Type.Unknown()),
            },
            { description: 'The Bulk Data manifest' },
          ),
          202: Type.Null(),
          500: OperationOutcomeSchema,
          ...FhirErrors,
        },
      },
    },
    async (request, reply) => {
      const row = await exportOf(deps, actorOf(request), request.params.id);
      if (row.status === 'running') {
        reply.code(202).header('x-progress', `${row.donePeople} of ${row.totalPeople} people`).header('retry-after', '2');
        return reply.send(null);
      }
      if (row.status === 'failed') {
        const code = (row.error && row.error in errorCodes ? row.error : 'TESSERA_INTERNAL') as ErrorCode;
        throw new TesseraError(code, 'The export failed and serves nothing; start another');
      }
      reply.header('expires', new Date(row.expiresAt).toUTCString());
      return manifest(deps, row);
    },
  );

  app.delete(
    '/fhir/r4/bulk/:id',
    {
      config,
      schema: { tags: ['fhir'], summary: 'Bulk Data: cancel an export and delete its output', params: ExportParams, response: { 202: OperationOutcomeSchema, ...FhirErrors } },
    },
    async (request, reply) => {
      await cancel(deps, actorOf(request), request.params.id);
      reply.code(202).type('application/fhir+json; charset=utf-8');
      return accepted(request.params.id, 'The export was cancelled and its output deleted');
    },
  );

  app.get(
    '/fhir/r4/bulk/:id/:file',
    {
      config,
      schema: {
        tags: ['fhir'],
        summary: 'A Bulk Data output file (application/fhir+ndjson), for the account that started the export',
        params: Type.Object({ id: UuidSchema, file: Type.String({ pattern: '^[A-Za-z]+\\.ndjson$', maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: { description: 'NDJSON, one resource a line', content: { 'application/fhir+ndjson': { schema: Type.String() } } }, ...FhirErrors },
      },
    },
    async (request, reply) => {
      const row = await exportOf(deps, actorOf(request), request.params.id);
      const type = request.params.file.slice(0, -'.ndjson'.length);
      if (row.status !== 'completed' || !row.types.includes(type)) throw new NotFoundError('No such file');
      reply.type('application/fhir+ndjson').header('cache-control', 'no-store');
      if (request.method === 'HEAD') return reply.send('');
      // A stream bypasses the response schema (a string of NDJSON, for the OpenAPI document).
      const body = Readable.from(ndjson(deps, actorOf(request), row, type), { objectMode: false, highWaterMark: HIGH_WATER_MARK });
      return reply.send(body as unknown as string);
    },
  );
};

export default bulkRoutes;
