import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { actorOf } from '../../plugins/auth.js';
import { capabilityStatement, smartConfiguration } from './capability.js';
import { patientRead, searchConsents } from './people.js';
import { readRecordResource } from './read.js';
import { FhirErrors, FhirResourceSchema, FHIR_JSON } from './schemas.js';
import { SearchQuerySchema, searchRecords, searchsetBundle } from './search.js';

const supporters = ['practitioner' as const, 'client' as const];
const everyone = ['citizen' as const, ...supporters];

/** The FHIR R4 read API at `/fhir/r4` (docs/fhir.md). Errors are OperationOutcomes. */
const fhirRoutes: FastifyPluginAsyncTypebox<{ deps: Deps; version: string }> = async (app, { deps, version }) => {
  app.get(
    '/fhir/r4/metadata',
    {
      config: { auth: 'public', errors: 'fhir' },
      schema: { tags: ['fhir'], summary: 'FHIR R4 CapabilityStatement', response: { 200: FhirResourceSchema, ...FhirErrors } },
    },
    async (_request, reply) => {
      reply.type(FHIR_JSON).header('cache-control', 'public, max-age=300');
      return capabilityStatement(deps, version);
    },
  );

  for (const url of ['/.well-known/smart-configuration', '/fhir/r4/.well-known/smart-configuration']) {
    app.get(
      url,
      {
        config: { auth: 'public' },
        schema: {
          tags: ['fhir'],
          summary: 'SMART App Launch 2.0 configuration (Backend Services)',
          response: { 200: Type.Object({}, { additionalProperties: true }) },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=300');
        return smartConfiguration(deps);
      },
    );
  }

  app.get(
    '/fhir/r4/Patient/:id',
    {
      config: { auth: everyone, errors: 'fhir', smart: true },
      schema: {
        tags: ['fhir'],
        summary: 'The person: yourself, or someone whose read grant you hold (no name: grants cover records, not identity)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9\\-.]{1,64}$' }) }, { additionalProperties: false }),
        querystring: Type.Object({ _format: Type.Optional(Type.Enum(['json', 'application/json', 'application/fhir+json'])) }, { additionalProperties: false }),
        response: { 200: FhirResourceSchema, ...FhirErrors },
      },
    },
    async (request, reply) => {
      reply.type(FHIR_JSON);
      return patientRead(deps, actorOf(request), request.params.id);
    },
  );

  for (const resource of ['Observation', 'Goal'] as const) {
    app.get(
      `/fhir/r4/${resource}/:id`,
      {
        config: { auth: everyone, errors: 'fhir', smart: true },
        schema: {
          tags: ['fhir'],
          summary: `Read one ${resource} by id (a search entry's fullUrl), within your own store or your grants and scopes; a read through grants is in the person's access log`,
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9\\-.]{1,64}$' }) }, { additionalProperties: false }),
          querystring: Type.Object({ _format: Type.Optional(Type.Enum(['json', 'application/json', 'application/fhir+json'])) }, { additionalProperties: false }),
          response: { 200: FhirResourceSchema, ...FhirErrors },
        },
      },
      async (request, reply) => {
        reply.type(FHIR_JSON);
        return readRecordResource(deps, actorOf(request), resource, request.params.id);
      },
    );
  }

  for (const resource of ['Observation', 'QuestionnaireResponse', 'Goal'] as const) {
    app.get(
      `/fhir/r4/${resource}`,
      {
        config: { auth: everyone, errors: 'fhir', smart: true },
        schema: {
          tags: ['fhir'],
          summary: `Search ${resource}s of one person (within your grants and scopes; each search is in their access log)`,
          querystring: SearchQuerySchema,
          response: { 200: FhirResourceSchema, ...FhirErrors },
        },
      },
      async (request, reply) => {
        const page = await searchRecords(deps, actorOf(request), resource, request.query);
        reply.type(FHIR_JSON);
        return searchsetBundle(deps, request.url, page, request.id);
      },
    );
  }

  app.get(
    '/fhir/r4/Consent',
    {
      config: { auth: ['citizen'], errors: 'fhir' },
      schema: {
        tags: ['fhir'],
        summary: 'Your own grants, as Consent resources',
        querystring: Type.Object(
          {
            patient: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            _count: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
            _cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
            _format: Type.Optional(Type.Enum(['json', 'application/json', 'application/fhir+json'])),
          },
          { additionalProperties: false },
        ),
        response: { 200: FhirResourceSchema, ...FhirErrors },
      },
    },
    async (request, reply) => {
      const page = await searchConsents(deps, actorOf(request), request.query);
      reply.type(FHIR_JSON);
      return searchsetBundle(deps, request.url, page, request.id);
    },
  );
};

export default fhirRoutes;
