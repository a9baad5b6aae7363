import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { authErrors } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import {
  defineOrganisationType,
  definePersonalType,
  listOrganisationTypes,
  listPersonalTypes,
  publishOrganisationType,
  publishPersonalType,
} from './bespoke.js';
import { BespokeListSchema, BespokeTypeInputSchema, CodeParamsSchema, OrgCodeParamsSchema } from './bespoke-schemas.js';
import { TypeDefSchema } from './model.js';

/** Bespoke measures: an organisation's (operator or `manager`), and a person's own. */
const bespokeRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const managers = { auth: ['admin' as const, 'practitioner' as const] };
  const OrgParams = Type.Object({ orgId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

  app.post(
    '/v1/organisations/:orgId/types',
    {
      config: managers,
      schema: {
        tags: ['catalogue'],
        summary: "Define (or replace the draft of) one of the organisation's measures",
        params: OrgParams,
        body: BespokeTypeInputSchema,
        response: { 201: TypeDefSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return defineOrganisationType(deps, actorOf(request), request.params.orgId, request.body);
    },
  );

  app.get(
    '/v1/organisations/:orgId/types',
    {
      config: managers,
      schema: { tags: ['catalogue'], summary: "The organisation's measures, every version, drafts too", params: OrgParams, response: { 200: BespokeListSchema, ...authErrors } },
    },
    async (request) => listOrganisationTypes(deps, actorOf(request), request.params.orgId),
  );

  app.post(
    '/v1/organisations/:orgId/types/:code/publish',
    {
      config: managers,
      schema: { tags: ['catalogue'], summary: 'Publish the draft: that version is frozen', params: OrgCodeParamsSchema, response: { 200: TypeDefSchema, ...authErrors } },
    },
    async (request) => publishOrganisationType(deps, actorOf(request), request.params.orgId, request.params.code),
  );

  app.post(
    '/v1/me/types',
    {
      config: { auth: ['citizen'] },
      schema: {
        tags: ['catalogue'],
        summary: 'Define (or replace the draft of) a measure of your own (its code starts with my-)',
        body: BespokeTypeInputSchema,
        response: { 201: TypeDefSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      const actor = actorOf(request);
      return definePersonalType(deps, actor, subjectOf(actor), request.body);
    },
  );

  app.get(
    '/v1/me/types',
    { config: { auth: ['citizen'] }, schema: { tags: ['catalogue'], summary: 'Your own measures, every version, drafts too', response: { 200: BespokeListSchema, ...authErrors } } },
    async (request) => listPersonalTypes(deps, subjectOf(actorOf(request))),
  );

  app.post(
    '/v1/me/types/:code/publish',
    {
      config: { auth: ['citizen'] },
      schema: { tags: ['catalogue'], summary: 'Publish your draft: that version is frozen', params: CodeParamsSchema, response: { 200: TypeDefSchema, ...authErrors } },
    },
    async (request) => publishPersonalType(deps, subjectOf(actorOf(request)), request.params.code),
  );
};

export default bespokeRoutes;
