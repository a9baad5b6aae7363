import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { authErrors, ListSchema, UuidSchema } from '../../core/schemas.js';
import { actorOf } from '../../plugins/auth.js';
import { EmergencyAccessSchema, EmergencyGrantSchema, EmergencyPolicyInputSchema, EmergencyPolicySchema, EmergencyRequestSchema, FlagInputSchema } from './schemas.js';
import { deletePolicy, flagAccess, getPolicy, listForOrganisation, listForPerson, openEmergencyAccess, putPolicy } from './service.js';

const emergencyRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const person = { auth: ['citizen' as const], delegable: 'manage-sharing' as const };
  const tags = ['emergency-access'];

  app.put(
    '/v1/me/emergency-policy',
    {
      config: person,
      schema: { tags, summary: 'Who may break glass on your store, for what, and for how long', body: EmergencyPolicyInputSchema, response: { 200: EmergencyPolicySchema, ...authErrors } },
    },
    async (request) => {
      const actor = actorOf(request);
      return putPolicy(deps, actor, subjectOf(actor), request.body);
    },
  );

  app.get(
    '/v1/me/emergency-policy',
    { config: person, schema: { tags, summary: 'Your emergency-access policy (404 when you have none)', response: { 200: EmergencyPolicySchema, ...authErrors } } },
    async (request) => getPolicy(deps, subjectOf(actorOf(request))),
  );

  app.delete(
    '/v1/me/emergency-policy',
    { config: person, schema: { tags, summary: 'Remove your policy: nobody can break glass any more', response: { 204: Type.Null(), ...authErrors } } },
    async (request, reply) => {
      const actor = actorOf(request);
      await deletePolicy(deps, actor, subjectOf(actor));
      reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/me/emergency-access',
    { config: person, schema: { tags, summary: 'Every emergency access to your store, with its reason', response: { 200: ListSchema(EmergencyAccessSchema), ...authErrors } } },
    async (request) => listForPerson(deps, subjectOf(actorOf(request))),
  );

  app.post(
    '/v1/me/emergency-access/:grantId/flag',
    {
      config: person,
      schema: {
        tags,
        summary: 'Flag an emergency access as unjustified (the organisation sees it)',
        params: Type.Object({ grantId: UuidSchema }, { additionalProperties: false }),
        body: FlagInputSchema,
        response: { 200: EmergencyAccessSchema, ...authErrors },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return flagAccess(deps, actor, subjectOf(actor), request.params.grantId, request.body.statement);
    },
  );

  app.post(
    '/v1/subjects/:subjectId/emergency-access',
    {
      // No grant is needed to ask: the person's own policy decides (404 when it does not allow it).
      config: { auth: ['practitioner'], access: 'none' },
      schema: {
        tags,
        summary: 'Break glass: a read-only grant under the person’s policy, for a stated reason',
        params: Type.Object({ subjectId: UuidSchema }, { additionalProperties: false }),
        body: EmergencyRequestSchema,
        response: { 201: EmergencyGrantSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return openEmergencyAccess(deps, actorOf(request), request.params.subjectId, request.body.reason);
    },
  );

  app.get(
    '/v1/emergency-access',
    {
      config: { auth: ['practitioner'] },
      schema: { tags, summary: 'Emergency accesses your organisation opened, and whether people flagged them', response: { 200: ListSchema(EmergencyAccessSchema), ...authErrors } },
    },
    async (request) => listForOrganisation(deps, actorOf(request)),
  );
};

export default emergencyRoutes;
