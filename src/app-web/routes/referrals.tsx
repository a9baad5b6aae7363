import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { bodyErrors } from '../../core/validation.js';
import { ValidationError, type FieldError } from '../../errors.js';
import { requestRenewal } from '../../features/access-requests/renewal.js';
import { supporterProfile } from '../../core/supporters.js';
import type { GrantView } from '../../features/grants/schemas.js';
import { ReferralInputSchema } from '../../features/referrals/schemas.js';
import { createReferral, listReferralsMade } from '../../features/referrals/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { PersonCare, ReferralsPage, referFields } from '../pages/referrals.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text, type FormBody } from '../render.js';
import { categoryWords, dateWords, listWords, purposeClause, supporterWords, termsWords } from '../views/words.js';
import { personPage } from './supporter.js';

/**
 * A supporter's care-team pages (docs/web-app.md): referring a person they hold a read grant on
 * (POST /v1/subjects/{id}/referrals), asking to renew a grant ending soon
 * (POST /v1/grants/{id}/renewal), and the referrals they made with their outcome
 * (GET /v1/referrals).
 */
const supporter = { auth: ['practitioner' as const], credentials: 'cookie' as const };
const r = messages.referrals;
const DAY = 24 * 3600 * 1000;
/** A grant this close to its end offers renewal, as its expiry notice goes out 14 days before. */
const RENEW_WITHIN = 14 * DAY;

export const supporterCareNotices: Record<string, string> = { 'renewal-asked': messages.renewal.asked, referred: r.sent, 'emergency-opened': messages.emergency.opened };

/** Errors of the referral form on the person's page, and what was typed into it. */
export interface PersonCareErrors {
  refer?: { values: FormBody; errors: FieldError[] };
}

/** The care-team part of a person's page for a supporter: grants ending soon, and the referral form. */
export async function personCare(deps: Deps, _request: FastifyRequest, subjectId: string, grants: GrantView[], errors: PersonCareErrors) {
  const { catalogue } = deps;
  const now = deps.clock.now();
  // Emergency grants are read-only and end on their own: nothing is renewed or referred under them.
  const ordinary = grants.filter((g) => g.purpose !== 'emergency');
  const ending = ordinary
    .filter((g) => Date.parse(g.expiresAt) - now <= RENEW_WITHIN)
    .map((g) => ({ id: g.id, sentence: `${termsWords(catalogue, g, 'supporter')}, ${messages.words.until(dateWords(g.expiresAt))}, ${purposeClause(g)}.` }));
  // Categories the supporter's read grants cover: what they can see, and so may refer for.
  const categories = [...new Set(ordinary.filter((g) => g.access === 'read').flatMap((g) => g.categories))];
  return <PersonCare catalogue={catalogue} subjectId={subjectId} ending={ending} categories={categories} values={errors.refer?.values ?? {}} errors={errors.refer?.errors ?? []} />;
}

/** The referral form's body for POST /v1/subjects/{id}/referrals. */
function referralInputOf(body: FormBody): { input: Record<string, unknown>; key: 'organisationId' | 'accountId' } {
  const key = text(body, referFields.kind) === 'account' ? 'accountId' : 'organisationId';
  const input: Record<string, unknown> = { referTo: { [key]: text(body, referFields.to) }, categories: list(body, referFields.categories), purpose: text(body, referFields.purpose) };
  const until = text(body, referFields.expiresAt);
  if (until) input.expiresAt = /^\d{4}-\d{2}-\d{2}$/.test(until) ? `${until}T23:59:59Z` : until;
  if (text(body, referFields.note)) input.note = text(body, referFields.note);
  return { input, key };
}

/**
 * The API's field names, as the referral form names its fields. The referee is one of two shapes,
 * so a bad id fails both: keep one message, about the shape chosen.
 */
function onReferForm(errors: FieldError[], key: string): FieldError[] {
  const referTo = errors.filter((e) => e.field.startsWith('referTo'));
  const mine = referTo.find((e) => e.field === `referTo.${key}` && e.detail !== 'is not an allowed field') ?? referTo[0];
  const rest = errors.filter((e) => !e.field.startsWith('referTo') && !(e.detail.startsWith('must match a schema in anyOf') && errors.some((o) => o !== e && o.field === e.field)));
  const rename = (field: string) => referFields[field.split('.')[0] as keyof typeof referFields] ?? field;
  return [...(mine ? [{ ...mine, field: referFields.to }] : []), ...rest.map((e) => ({ ...e, field: rename(e.field) }))];
}

const referralRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  const SubjectParams = Type.Object({ subjectId: UuidSchema }, { additionalProperties: false });

  app.post(
    '/people/:subjectId/referrals',
    // As the API's route: only a supporter holding an active read grant on the person.
    { config: { ...supporter, access: 'read' }, schema: { hide: true, params: SubjectParams, body: FormSchema(Object.values(referFields)) } },
    async (request, reply) => {
      const { input, key } = referralInputOf(request.body);
      let errors = bodyErrors(ReferralInputSchema, input);
      if (errors.length === 0) {
        try {
          await createReferral(deps, actorOf(request), request.params.subjectId, input as never);
          return reply.redirect('/app/referrals?done=referred', 303);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          errors = e.errors;
        }
      }
      return personPage(deps, request, request.params.subjectId, reply, { status: 400, care: { refer: { values: request.body, errors: onReferForm(errors, key) } } });
    },
  );

  app.post(
    '/people/:subjectId/grants/:id/renewal',
    // The renewal service finds the grant and checks it is the caller's (a lapsed one too), as the API's route does.
    { config: { ...supporter, access: 'none' }, schema: { hide: true, params: Type.Object({ subjectId: UuidSchema, id: UuidSchema }, { additionalProperties: false }) } },
    async (request, reply) => {
      await requestRenewal(deps, actorOf(request), request.params.id);
      return reply.redirect('/app/people?done=renewal-asked', 303);
    },
  );

  app.get(
    '/referrals',
    { config: supporter, schema: { hide: true, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { catalogue } = deps;
      const { items } = await listReferralsMade(deps, actorOf(request), { limit: 100 });
      const lines = await Promise.all(
        items.map(async (x) => {
          const to = supporterWords(await supporterProfile(deps, x.referTo.accountId, x.referTo.organisationId));
          const what = listWords(x.categories.map((c) => categoryWords(catalogue, c)));
          const status = r.status[x.status] ?? x.status;
          return {
            id: x.id,
            subjectId: x.subjectId,
            sentence: `${r.sentence(to, what)}, ${purposeClause({ ...x, access: 'read', purposeText: null })}.`,
            outcome: x.decidedAt ? r.decided(status, dateWords(x.decidedAt)) : status,
            status: x.status,
          };
        }),
      );
      return sendPage(reply, <ReferralsPage chrome={chromeOf(request, r.title, supporterCareNotices[request.query.done ?? ''])} referrals={lines} />);
    },
  );
};

export default referralRoutes;
