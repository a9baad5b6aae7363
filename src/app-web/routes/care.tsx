import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf } from '../../core/actor.js';
import { UuidSchema } from '../../core/schemas.js';
import { bodyErrors } from '../../core/validation.js';
import { ValidationError, type FieldError } from '../../errors.js';
import { ApproveSchema } from '../../features/access-requests/schemas.js';
import { DelegateInputSchema } from '../../features/delegates/schemas.js';
import { createDelegation, revokeDelegation } from '../../features/delegates/service.js';
import { approveReferral, denyReferral } from '../../features/referrals/service.js';
import { actorOf } from '../../plugins/auth.js';
import { delegateFields } from '../pages/care.js';
import type { AppWebOptions } from '../plugin.js';
import { FormSchema, list, text, type FormBody } from '../render.js';
import { sharingPage } from './sharing.js';

/**
 * The care team's forms on the person's sharing page (docs/web-app.md): answering referrals
 * (POST /v1/me/referrals/{id}/approve|deny, which a delegate managing sharing may do), and
 * naming and ending delegates (POST /v1/me/delegates, DELETE /v1/me/delegates/{id}, which only
 * the person may: never delegable).
 */
const person = { auth: ['citizen' as const], credentials: 'cookie' as const };
const sharing = { ...person, delegable: 'manage-sharing' as const };
const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });

/** A date from a date field means the end of that day (UTC); anything else goes to the API as typed. */
function endOfDay(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value;
}

/** The delegate form's body for POST /v1/me/delegates. */
function delegateInputOf(body: FormBody): Record<string, unknown> {
  const f = delegateFields;
  const input: Record<string, unknown> = { delegate: { accountId: text(body, f.delegate) }, powers: list(body, f.powers), basis: text(body, f.basis) };
  if (text(body, f.expiresAt)) input.expiresAt = endOfDay(text(body, f.expiresAt));
  return input;
}

/** The API's field names, as the delegate form names its fields. */
function onDelegateForm(errors: FieldError[]): FieldError[] {
  const rename = (field: string) => {
    const top = field.split('.')[0]!;
    return top in delegateFields ? delegateFields[top as keyof typeof delegateFields] : field;
  };
  // The API requires expiresAt; a missing one is reported as the field's own error.
  return errors.map((e) => ({ ...e, field: rename(e.field) }));
}

const careRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  app.post(
    '/sharing/referrals/:id/approve',
    { config: sharing, schema: { hide: true, params: IdParams, body: FormSchema(['categories', 'expiresAt', 'requestedUntil']) } },
    async (request, reply) => {
      const actor = actorOf(request);
      // The narrowing body the API's approve route takes, as for access requests.
      const input: Record<string, unknown> = { categories: list(request.body, 'categories') };
      const until = text(request.body, 'expiresAt');
      if (until && until !== text(request.body, 'requestedUntil').slice(0, 10)) input.expiresAt = endOfDay(until);
      let errors = bodyErrors(ApproveSchema, input);
      if (errors.length === 0) {
        try {
          const grant = await approveReferral(deps, actor, subjectOf(actor), request.params.id, input);
          return reply.redirect(`/app/sharing/grants/${grant.id}?done=granted`, 303);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          errors = e.errors;
        }
      }
      return sharingPage(deps, request, reply, { status: 400, care: { referral: { id: request.params.id, errors } } });
    },
  );

  app.post('/sharing/referrals/:id/deny', { config: sharing, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const actor = actorOf(request);
    await denyReferral(deps, actor, subjectOf(actor), request.params.id);
    return reply.redirect('/app/sharing?done=referral-denied', 303);
  });

  app.post('/sharing/delegates', { config: person, schema: { hide: true, body: FormSchema(Object.values(delegateFields)) } }, async (request, reply) => {
    const input = delegateInputOf(request.body);
    let errors = bodyErrors(DelegateInputSchema, input);
    if (errors.length === 0) {
      try {
        await createDelegation(deps, actorOf(request), input as never);
        return reply.redirect('/app/sharing?done=delegate-named#delegates', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = e.errors;
      }
    }
    return sharingPage(deps, request, reply, { status: 400, care: { delegate: { values: request.body, errors: onDelegateForm(errors) } } });
  });

  app.post('/sharing/delegates/:id/end', { config: person, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await revokeDelegation(deps, actorOf(request), request.params.id);
    return reply.redirect('/app/sharing?done=delegate-ended#delegates', 303);
  });
};

export default careRoutes;
