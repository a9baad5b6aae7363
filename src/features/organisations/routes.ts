import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { actorOf } from '../../plugins/auth.js';
import { authErrors, ListSchema } from '../../core/schemas.js';
import {
  ClientInputSchema,
  ClientSchema,
  DisabledSchema,
  MemberParamsSchema,
  OrganisationInputSchema,
  OrganisationSchema,
  OrgParamsSchema,
  PractitionerInputSchema,
  PractitionerSchema,
} from './schemas.js';
import { addClient, addPractitioner, createOrganisation, disableMember, listOrganisations } from './service.js';

/** The operator's routes: organisations and their practitioners and machine clients. */
const organisationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const admin = { auth: ['admin' as const] };
  const errors = { ...authErrors, 409: Type.Ref('Problem') };

  app.post(
    '/v1/organisations',
    { config: admin, schema: { tags: ['admin'], summary: 'Create an organisation', body: OrganisationInputSchema, response: { 201: OrganisationSchema, ...errors } } },
    async (request, reply) => {
      reply.code(201);
      return createOrganisation(deps, request.body);
    },
  );

  app.get(
    '/v1/organisations',
    { config: admin, schema: { tags: ['admin'], summary: 'List organisations', response: { 200: ListSchema(OrganisationSchema), ...authErrors } } },
    async () => listOrganisations(deps),
  );

  app.post(
    '/v1/organisations/:orgId/practitioners',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: 'Add a practitioner (GP, nurse, link worker…) to an organisation',
        params: OrgParamsSchema,
        body: PractitionerInputSchema,
        response: { 201: PractitionerSchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addPractitioner(deps, actorOf(request), request.params.orgId, request.body);
    },
  );

  app.post(
    '/v1/organisations/:orgId/clients',
    {
      config: admin,
      schema: {
        tags: ['admin'],
        summary: "Register a provider's system with its public JWKS (private_key_jwt)",
        params: OrgParamsSchema,
        body: ClientInputSchema,
        response: { 201: ClientSchema, ...errors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return addClient(deps, actorOf(request), request.params.orgId, request.body);
    },
  );

  for (const [path, kind] of [
    ['practitioners', 'practitioner'],
    ['clients', 'client'],
  ] as const) {
    app.post(
      `/v1/organisations/:orgId/${path}/:accountId/disable`,
      {
        config: admin,
        schema: {
          tags: ['admin'],
          summary: `Disable a ${kind}: its tokens stop at once and its own grants are revoked`,
          params: MemberParamsSchema,
          response: { 200: DisabledSchema, ...authErrors },
        },
      },
      async (request) => disableMember(deps, actorOf(request), request.params.orgId, request.params.accountId, kind),
    );
  }
};

export default organisationRoutes;
