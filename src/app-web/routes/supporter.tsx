import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { bodyErrors } from '../../core/validation.js';
import { ForbiddenError, ValidationError, type FieldError } from '../../errors.js';
import { AccessRequestInputSchema } from '../../features/access-requests/schemas.js';
import { requestAccess } from '../../features/access-requests/service.js';
import { ackAlert, listAlerts } from '../../features/alerts/service.js';
import { listGranteeGrants, toGrantView } from '../../features/grants/service.js';
import { readSlice } from '../../features/records/supporter-service.js';
import { WatchInputSchema } from '../../features/watches/schemas.js';
import { createWatch, deleteOwnWatch, listOwnWatches } from '../../features/watches/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { AlertsPage, PeoplePage, PersonPage, type Person } from '../pages/supporter.js';
import { BreakGlass } from '../pages/emergency.js';
import { organisationAccesses } from './emergency.js';
import { personCare, supporterCareNotices, type PersonCareErrors } from './referrals.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text, type FormBody } from '../render.js';
import { dateWords, purposeClause, termsWords, typeWords } from '../views/words.js';

const supporter = { auth: ['practitioner' as const], credentials: 'cookie' as const };
const SubjectParams = Type.Object({ subjectId: UuidSchema }, { additionalProperties: false });
const Done = Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false });
const p = messages.people;
const notices: Record<string, string> = { sent: p.sent, 'watch-added': p.watchAdded, 'watch-deleted': p.watchDeleted, ...supporterCareNotices };
const requestFields = ['subjectId', 'categories', 'purpose', 'purposeText', 'expiresAt'];

/** A date from a date field means the end of that day (UTC). */
function endOfDay(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value;
}

/** Renders a person's granted slice for a supporter: the very read GET /v1/subjects/{id}/records serves. */
export async function personPage(
  deps: Deps,
  request: FastifyRequest,
  subjectId: string,
  reply: FastifyReply,
  opts: { status?: number; notice?: string | undefined; values?: FormBody; errors?: FieldError[]; care?: PersonCareErrors },
) {
  const { catalogue } = deps;
  const actor = actorOf(request);
  const now = deps.clock.now();
  // The very read GET /v1/subjects/{id}/records serves, logged in the person's access log.
  const slice = await readSlice(deps, actor, subjectId, request.grants, { limit: 500 });
  const grants = await Promise.all(request.grants.map((g) => toGrantView(deps, g, now)));
  const limits = grants.map((g) => `${termsWords(catalogue, g, 'supporter')}, ${messages.words.until(dateWords(g.expiresAt))}, ${purposeClause(g)}.`);
  const watches = await listOwnWatches(deps, actor, subjectId, request.grants);
  // Types a read grant covers, in catalogue order: the ones a watch may be set on (never under an emergency grant).
  const covered = new Set(request.grants.filter((g) => g.purpose !== 'emergency').flatMap((g) => g.types ?? g.categories.flatMap((c) => catalogue.typesIn(c))));
  const watchTypes = catalogue.types.filter((t) => covered.has(t.code) && (t.kind !== 'text' || t.text?.progress)).map((t) => t.code);
  const lines = watches.items.map((w) => ({
    id: w.id,
    sentence: `${typeWords(catalogue, w.type)}: ${w.flag ? `flag ${w.flag}` : `${w.field} ${w.op} ${w.threshold}`}${w.active ? '' : ` (${messages.sharing.inactive})`}`,
  }));
  return sendPage(
    reply,
    <PersonPage
      chrome={chromeOf(request, p.person(subjectId), opts.notice)}
      catalogue={catalogue}
      subjectId={subjectId}
      limits={limits}
      records={slice.items}
      watches={lines}
      watchTypes={watchTypes}
      values={opts.values ?? {}}
      errors={opts.errors ?? []}
      care={await personCare(deps, request, subjectId, grants, opts.care ?? {})}
    />,
    opts.status ?? 200,
  );
}

/** Renders the caseload: the people who granted the caller access, and the forms to ask for more. */
export async function peoplePage(
  deps: Deps,
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { status?: number; notice?: string | undefined; values?: FormBody; errors?: FieldError[]; emergency?: { values: FormBody; errors: FieldError[] } },
) {
  const { catalogue } = deps;
  const actor = actorOf(request);
  const { items } = await listGranteeGrants(deps, actor, { status: 'active', limit: 500 });
  const bySubject = new Map<string, Person>();
  for (const g of items) {
    const person = bySubject.get(g.subjectId) ?? { subjectId: g.subjectId, sentences: [] };
    person.sentences.push(`${termsWords(catalogue, g, 'supporter')}, ${messages.words.until(dateWords(g.expiresAt))}, ${purposeClause(g)}.`);
    bySubject.set(g.subjectId, person);
  }
  const breakGlass = <BreakGlass values={opts.emergency?.values ?? {}} errors={opts.emergency?.errors ?? []} accesses={await organisationAccesses(deps, actor)} />;
  return sendPage(
    reply,
    <PeoplePage chrome={chromeOf(request, p.title, opts.notice)} catalogue={catalogue} people={[...bySubject.values()]} values={opts.values ?? {}} errors={opts.errors ?? []} care={breakGlass} />,
    opts.status ?? 200,
  );
}

const supporterRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps, limits }) => {
  const { catalogue } = deps;

  app.get('/people', { config: supporter, schema: { hide: true, querystring: Done } }, async (request, reply) => peoplePage(deps, request, reply, { notice: notices[request.query.done ?? ''] }));

  app.post(
    '/people/request',
    {
      config: {
        ...supporter,
        // The access-request route's own limit, per requesting account.
        rateLimit: { max: limits.accessRequests, timeWindow: 60_000, hook: 'preHandler', keyGenerator: (r: FastifyRequest) => r.actor?.accountId ?? r.ip },
      },
      schema: { hide: true, body: FormSchema(requestFields) },
    },
    async (request, reply) => {
      const body = request.body;
      const subjectId = text(body, 'subjectId');
      // The body POST /v1/subjects/{subjectId}/access-requests takes, and its path parameter.
      const input: Record<string, unknown> = { access: 'read', categories: list(body, 'categories'), purpose: text(body, 'purpose') };
      if (text(body, 'purposeText')) input.purposeText = text(body, 'purposeText');
      if (text(body, 'expiresAt')) input.expiresAt = endOfDay(text(body, 'expiresAt'));
      let errors = [...bodyErrors(SubjectParams, { subjectId }), ...bodyErrors(AccessRequestInputSchema, input)];
      if (errors.length === 0) {
        try {
          await requestAccess(deps, actorOf(request), subjectId, input as never);
          return reply.redirect('/app/people?done=sent', 303);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          errors = e.errors;
        }
      }
      return peoplePage(deps, request, reply, { status: 400, values: body, errors });
    },
  );

  app.get('/people/:subjectId', { config: { ...supporter, access: 'read' }, schema: { hide: true, params: SubjectParams, querystring: Done } }, async (request, reply) =>
    personPage(deps, request, request.params.subjectId, reply, { notice: notices[request.query.done ?? ''] }),
  );

  app.post(
    '/people/:subjectId/watches',
    { config: { ...supporter, access: 'read' }, schema: { hide: true, params: SubjectParams, body: FormSchema(['type', 'op', 'threshold', 'flag']) } },
    async (request, reply) => {
      const body = request.body;
      const def = catalogue.type(text(body, 'type'));
      const op = text(body, 'op');
      // The body POST /v1/subjects/{id}/watches takes: a flag rule, or a comparison on the type's number.
      const input: Record<string, unknown> = { type: text(body, 'type') };
      if (op === 'flag') input.flag = text(body, 'flag');
      else {
        input.op = op;
        input.field = def?.kind === 'questionnaire' ? 'score' : def?.kind === 'text' ? 'progress' : def?.measure?.components ? def.measure.components[0]!.code : 'value';
        if (text(body, 'threshold') !== '') input.threshold = Number(text(body, 'threshold'));
      }
      let errors = bodyErrors(WatchInputSchema, input);
      if (errors.length === 0) {
        try {
          await createWatch(deps, actorOf(request), request.params.subjectId, request.grants, input as never);
          return reply.redirect(`/app/people/${request.params.subjectId}?done=watch-added`, 303);
        } catch (e) {
          if (e instanceof ValidationError) errors = e.errors;
          else if (e instanceof ForbiddenError) errors = [{ field: 'type', pointer: '/type', in: 'body', detail: e.message }];
          else throw e;
        }
      }
      return personPage(deps, request, request.params.subjectId, reply, { status: 400, values: body, errors });
    },
  );

  app.post(
    '/people/:subjectId/watches/:id/delete',
    { config: { ...supporter, access: 'none' }, schema: { hide: true, params: Type.Object({ subjectId: UuidSchema, id: UuidSchema }, { additionalProperties: false }) } },
    async (request, reply) => {
      await deleteOwnWatch(deps, actorOf(request), request.params.subjectId, request.params.id);
      return reply.redirect(`/app/people/${request.params.subjectId}?done=watch-deleted`, 303);
    },
  );

  app.get('/alerts', { config: supporter, schema: { hide: true } }, async (request, reply) => {
    const { items } = await listAlerts(deps, actorOf(request), { limit: 100 });
    return sendPage(reply, <AlertsPage chrome={chromeOf(request, messages.alerts.title)} catalogue={catalogue} alerts={items} />);
  });

  app.post('/alerts/:id/ack', { config: supporter, schema: { hide: true, params: Type.Object({ id: UuidSchema }, { additionalProperties: false }) } }, async (request, reply) => {
    await ackAlert(deps, actorOf(request), request.params.id);
    return reply.redirect('/app/alerts', 303);
  });
};

export default supporterRoutes;
