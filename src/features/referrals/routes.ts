import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { authErrors, CursorSchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';
import { ForbiddenError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { ApproveSchema } from '../access-requests/schemas.js';
import { ReferralInputSchema, ReferralSchema } from './schemas.js';
import { approveReferral, createReferral, denyReferral, listReferralsForPerson, listReferralsMade } from './service.js';

const referralRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const person = { auth: ['citizen' as const], delegable: 'manage-sharing' as const };
  const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });
  const Page = { cursor: Type.Optional(CursorSchema), limit: Type.Optional(LimitSchema) };

  app.post(
    '/v1/subjects/:subjectId/referrals',
    {
      // Only a supporter holding an active read grant on the person may refer them.
      config: { auth: ['practitioner', 'client'], access: 'read' },
      schema: {
        tags: ['supporters'],
        summary: 'Refer the person to another organisation or practitioner; they decide',
        params: Type.Object({ subjectId: UuidSchema }, { additionalProperties: false }),
        body: ReferralInputSchema,
        response: { 201: ReferralSchema, ...authErrors },
      },
    },
    async (request, reply) => {
      // Emergency access is read-only: it never refers the person on.
      if (request.grants.every((g) => g.purpose === 'emergency')) throw new ForbiddenError('Emergency access is read-only: it cannot refer the person');
      reply.code(201);
      return createReferral(deps, actorOf(request), request.params.subjectId, request.body);
    },
  );

  app.get(
    '/v1/referrals',
    {
      config: { auth: ['practitioner', 'client'] },
      schema: {
        tags: ['supporters'],
        summary: 'Referrals you made, and what the person decided',
        querystring: Type.Object(Page, { additionalProperties: false }),
        response: { 200: ListSchema(ReferralSchema), ...authErrors },
      },
    },
    async (request) => listReferralsMade(deps, actorOf(request), request.query),
  );

  app.get(
    '/v1/me/referrals',
    {
      config: person,
      schema: {
        tags: ['referrals'],
        summary: 'Referrals of you by your supporters, newest first',
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')])), ...Page },
          { additionalProperties: false },
        ),
        response: { 200: ListSchema(ReferralSchema), ...authErrors },
      },
    },
    async (request) => listReferralsForPerson(deps, subjectOf(actorOf(request)), request.query),
  );

  app.post(
    '/v1/me/referrals/:id/approve',
    {
      config: person,
      schema: {
        tags: ['referrals'],
        summary: 'Approve a referral, optionally narrowed: answers the grant to the referee with its receipt',
        params: IdParams,
        body: ApproveSchema,
        response: { 201: Type.Ref('Grant'), ...authErrors, 409: Type.Ref('Problem') },
      },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.code(201);
      return approveReferral(deps, actor, subjectOf(actor), request.params.id, request.body);
    },
  );

  app.post(
    '/v1/me/referrals/:id/deny',
    {
      config: person,
      schema: { tags: ['referrals'], summary: 'Deny a referral', params: IdParams, response: { 200: ReferralSchema, ...authErrors, 409: Type.Ref('Problem') } },
    },
    async (request) => {
      const actor = actorOf(request);
      return denyReferral(deps, actor, subjectOf(actor), request.params.id);
    },
  );
};

export default referralRoutes;
