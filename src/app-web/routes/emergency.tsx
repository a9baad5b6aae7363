import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf, type Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { bodyErrors } from '../../core/validation.js';
import { NotFoundError, ValidationError, type FieldError } from '../../errors.js';
import { EmergencyPolicyInputSchema, EmergencyRequestSchema } from '../../features/emergency/schemas.js';
import { deletePolicy, flagAccess, getPolicy, listForOrganisation, listForPerson, openEmergencyAccess, putPolicy } from '../../features/emergency/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { breakGlassFields, policyFields, type EmergencyData, type OrgAccessLine } from '../pages/emergency.js';
import type { AppWebOptions } from '../plugin.js';
import { FormSchema, list, text, type FormBody } from '../render.js';
import { supporterProfile } from '../../core/supporters.js';
import { categoryWords, dateTimeWords, listWords, supporterWords } from '../views/words.js';
import { sharingPage } from './sharing.js';
import { peoplePage } from './supporter.js';

/**
 * Emergency access in the app (docs/web-app.md): the person's policy and the accesses under it
 * on their sharing page (PUT|DELETE /v1/me/emergency-policy, GET /v1/me/emergency-access, …/flag),
 * and break-glass for practitioners (POST /v1/subjects/{id}/emergency-access), with what their
 * organisation opened (GET /v1/emergency-access).
 */
const e = messages.emergency;
const sharing = { auth: ['citizen' as const], credentials: 'cookie' as const, delegable: 'manage-sharing' as const };
const practitioner = { auth: ['practitioner' as const], credentials: 'cookie' as const };

/** The person's policy and emergency accesses, for the sharing page. */
export async function emergencyData(deps: Deps, subjectId: string): Promise<EmergencyData> {
  const policy = await getPolicy(deps, subjectId).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  const { items } = await listForPerson(deps, subjectId);
  return {
    policy: policy && {
      sentence: e.policy(listWords(policy.organisations.map((o) => o.name ?? o.id)), listWords(policy.categories.map((c) => categoryWords(deps.catalogue, c))), policy.maxMinutes),
      organisations: policy.organisations.map((o) => o.id),
      categories: policy.categories,
      maxMinutes: policy.maxMinutes,
    },
    accesses: await Promise.all(
      items.map(async (a) => {
        const who = supporterWords(await supporterProfile(deps, a.practitioner.accountId, a.organisationId));
        const opened = dateTimeWords(a.openedAt);
        return { grantId: a.grantId, who, opened, sentence: e.access(who, opened, dateTimeWords(a.expiresAt)), reason: a.reason, flagged: a.flaggedAt ? e.flagged(dateTimeWords(a.flaggedAt)) : null };
      }),
    ),
  };
}

/** What the caller's organisation opened, and whether people flagged it. */
export async function organisationAccesses(deps: Deps, actor: Actor): Promise<OrgAccessLine[]> {
  const { items } = await listForOrganisation(deps, actor);
  return Promise.all(
    items.map(async (a) => ({
      grantId: a.grantId,
      sentence: e.orgLine(supporterWords(await supporterProfile(deps, a.practitioner.accountId, a.organisationId)), messages.people.person(a.subjectId), dateTimeWords(a.openedAt)),
      reason: a.reason,
      flagged: a.flaggedAt ? e.orgFlagged(dateTimeWords(a.flaggedAt)) : null,
      statement: a.flagStatement,
    })),
  );
}

/** The API's field names, as a form names its fields. */
function renamed(errors: FieldError[], fields: Record<string, string>): FieldError[] {
  return errors.map((x) => ({ ...x, field: fields[x.field.split('.')[0]!] ?? x.field }));
}

function policyInputOf(body: FormBody): Record<string, unknown> {
  const f = policyFields;
  const organisations = text(body, f.organisations)
    .split(/[\s,]+/)
    .filter(Boolean);
  const minutes = text(body, f.maxMinutes);
  return { organisations, categories: list(body, f.categories), maxMinutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes };
}

const emergencyRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  app.post('/sharing/emergency-policy', { config: sharing, schema: { hide: true, body: FormSchema(Object.values(policyFields)) } }, async (request, reply) => {
    const actor = actorOf(request);
    const input = policyInputOf(request.body);
    let errors = bodyErrors(EmergencyPolicyInputSchema, input);
    if (errors.length === 0) {
      try {
        await putPolicy(deps, actor, subjectOf(actor), input as never);
        return reply.redirect('/app/sharing?done=emergency-saved#emergency', 303);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = err.errors;
      }
    }
    return sharingPage(deps, request, reply, { status: 400, care: { emergency: { policy: { values: request.body, errors: renamed(errors, policyFields) } } } });
  });

  app.post('/sharing/emergency-policy/delete', { config: sharing, schema: { hide: true } }, async (request, reply) => {
    const actor = actorOf(request);
    await deletePolicy(deps, actor, subjectOf(actor));
    return reply.redirect('/app/sharing?done=emergency-removed#emergency', 303);
  });

  app.post(
    '/sharing/emergency/:grantId/flag',
    { config: sharing, schema: { hide: true, params: Type.Object({ grantId: UuidSchema }, { additionalProperties: false }), body: FormSchema(['statement']) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const statement = text(request.body, 'statement');
      await flagAccess(deps, actor, subjectOf(actor), request.params.grantId, statement || undefined);
      return reply.redirect('/app/sharing?done=emergency-flagged#emergency-accesses', 303);
    },
  );

  app.post('/people/emergency', { config: practitioner, schema: { hide: true, body: FormSchema(Object.values(breakGlassFields)) } }, async (request, reply) => {
    const subjectId = text(request.body, breakGlassFields.subjectId);
    const input = { reason: text(request.body, breakGlassFields.reason) };
    let errors = [...bodyErrors(Type.Object({ subjectId: UuidSchema }), { subjectId }), ...bodyErrors(EmergencyRequestSchema, input)];
    if (errors.length === 0) {
      try {
        await openEmergencyAccess(deps, actorOf(request), subjectId, input.reason);
        return reply.redirect(`/app/people/${subjectId}?done=emergency-opened`, 303);
      } catch (err) {
        // No policy, an organisation it does not name, no such person: one answer, as the API's 404.
        if (err instanceof NotFoundError) errors = [{ field: 'subjectId', pointer: '/subjectId', in: 'body', detail: err.message }];
        else if (err instanceof ValidationError) errors = err.errors;
        else throw err;
      }
    }
    return peoplePage(deps, request, reply, { status: 400, emergency: { values: request.body, errors: renamed(errors, breakGlassFields) } });
  });
};

export default emergencyRoutes;
