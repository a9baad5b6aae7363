import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { subjectOf, type Actor } from '../../core/actor.js';
import { clearedSessionCookie } from '../../core/cookies.js';
import type { Deps } from '../../core/deps.js';
import { CursorSchema, UuidSchema } from '../../core/schemas.js';
import { iso } from '../../core/time.js';
import { bodyErrors } from '../../core/validation.js';
import { ForbiddenError, RateLimitedError, ValidationError, type FieldError } from '../../errors.js';
import { listAccessLog } from '../../features/access-log/service.js';
import { describeMe } from '../../features/accounts/service.js';
import { supporterProfile } from '../../core/supporters.js';
import { eraseMe } from '../../features/accounts/erase.js';
import { listDelegates } from '../../features/delegates/service.js';
import type { TypeDef } from '../../features/catalogue/model.js';
import { sendExport } from '../../features/export/routes.js';
import type { LogEntryView } from '../../features/access-log/schemas.js';
import { RecordInputSchema, RecordQuerySchema, type RecordQueryInput } from '../../features/records/schemas.js';
import { createOwnRecord, deleteOwnRecord, listRecords, ownScope, toRecordQuery } from '../../features/records/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { AccessLogPage, AccountPage, type TimelineEntry } from '../pages/account.js';
import { ownTrend } from '../../features/trends/service.js';
import { seriesFromTrends } from '../views/series.js';
import { ChooseTypePage, HomePage, NewRecordPage, RecordsPage, StaffHomePage, type RecordFilters } from '../pages/citizen.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text, type FormBody } from '../render.js';
import { dateTimeWords, relativeWords, supporterWords } from '../views/words.js';

const citizen = { auth: ['citizen' as const], credentials: 'cookie' as const };
const Done = Type.Optional(Type.String({ maxLength: 32 }));
const notices: Record<string, string> = { 'record-added': messages.newRecord.added, deleted: messages.records.deleted };

const recordFields = ['effectiveAt', 'tzOffset', 'value', 'unit', 'systolic', 'diastolic', 'text', 'progress', ...Array.from({ length: 100 }, (_, i) => `answers.${i}`)];

function err(field: string, detail: string): FieldError {
  return { field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail };
}

/**
 * `datetime-local` gives a wall-clock time; the page's script adds the browser's offset from
 * UTC (without it, the time is taken as UTC). Anything else is passed on for the API to judge.
 */
function effectiveAtOf(local: string, tzOffset: string, now: number): string {
  if (local === '') return iso(now);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return local;
  const offset = /^-?\d{1,4}$/.test(tzOffset) ? Number(tzOffset) : 0;
  const ms = Date.parse(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(ms) ? local : iso(ms + offset * 60_000);
}

/** Builds the body POST /v1/me/records takes from the form, noting only what a form alone can get wrong. */
function recordInputOf(def: TypeDef, body: FormBody, now: number): { input: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const input: Record<string, unknown> = { type: def.code, effectiveAt: effectiveAtOf(text(body, 'effectiveAt'), text(body, 'tzOffset'), now) };
  const number = (name: string) => {
    const raw = text(body, name);
    if (raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isFinite(v)) errors.push(err(name, messages.errors.enterNumber));
    return v;
  };
  if (def.questionnaire) {
    input.answers = def.questionnaire.items.map((_, i) => {
      const raw = text(body, `answers.${i}`);
      if (raw === '') errors.push(err(`answers.${i}`, messages.errors.chooseAnswer));
      return Number(raw);
    });
  }
  if (def.measure) {
    for (const name of def.measure.components ? def.measure.components.map((c) => c.code) : ['value']) {
      const v = number(name);
      if (v !== undefined) input[name] = v;
    }
    if (text(body, 'unit')) input.unit = text(body, 'unit');
  }
  if (def.text) {
    input.text = text(body, 'text');
    const p = number('progress');
    if (p !== undefined && def.text.progress) input.progress = p;
  }
  return { input, errors };
}

/** Puts one access-log entry into a sentence: who did what, as the person would say it. */
async function sentenceOf(deps: Deps, actor: Actor, e: LogEntryView, names: Map<string, Promise<string>>, delegates: Promise<Map<string, string | null>>): Promise<string> {
  const who = (accountId: string | null, organisationId: string | null) => {
    const key = `${accountId}:${organisationId}`;
    if (!names.has(key)) names.set(key, supporterProfile(deps, accountId, organisationId).then(supporterWords));
    return names.get(key)!;
  };
  const delegate = e.onBehalfOf && e.actor.accountId ? messages.log.delegate((await delegates).get(e.actor.accountId) ?? null) : undefined;
  const actorWords =
    e.actor.accountId === actor.accountId
      ? messages.log.you
      : (delegate ?? (e.actor.accountId || e.actor.organisationId ? await who(e.actor.accountId, e.actor.organisationId) : messages.log.someone));
  const did = (messages.actions[e.action] ?? (() => e.action))(e.recordIds.length);
  const grantee = e.query.grantee as { accountId?: string | null; organisationId?: string | null } | undefined;
  const to = e.action === 'grant.create' && grantee ? ` to ${await who(grantee.accountId ?? null, grantee.organisationId ?? null)}` : '';
  return `${actorWords} ${did}${to}.`;
}

const citizenRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  const { catalogue } = deps;

  app.get(
    '/',
    {
      config: { auth: ['citizen', 'practitioner', 'client', 'admin'], credentials: 'cookie', delegable: 'read-records' },
      schema: { hide: true, querystring: Type.Object({ done: Done }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const acting = actor.onBehalfOf ? request.appChrome?.acting : undefined;
      if (!acting && actor.kind === 'practitioner') return reply.redirect('/app/people', 303);
      if (!acting && actor.kind !== 'citizen') return sendPage(reply, <StaffHomePage chrome={chromeOf(request, messages.nav.home)} />);
      const title = acting ? messages.acting.homeTitle(acting.name) : await describeMe(deps, actor).then((me) => messages.home.title(me.displayName ?? me.handle ?? ''));
      const { items } = await listRecords(deps, ownScope(subjectOf(actor)), toRecordQuery(deps, { limit: 500 }));
      const chrome = chromeOf(request, title, notices[request.query.done ?? '']);
      const series = await seriesFromTrends(catalogue, items, (type, selector) => ownTrend(deps, actor, { type, ...selector }));
      return sendPage(reply, <HomePage chrome={chrome} catalogue={catalogue} records={items} series={series} />);
    },
  );

  const RecordsQuery = Type.Object(
    {
      category: Type.Optional(Type.String({ maxLength: 64 })),
      type: Type.Optional(Type.String({ maxLength: 64 })),
      from: Type.Optional(Type.String({ maxLength: 40 })),
      to: Type.Optional(Type.String({ maxLength: 40 })),
      cursor: Type.Optional(CursorSchema),
      done: Done,
    },
    { additionalProperties: false },
  );

  app.get('/records', { config: { ...citizen, delegable: 'read-records' }, schema: { hide: true, querystring: RecordsQuery } }, async (request, reply) => {
    const actor = actorOf(request);
    const q = request.query;
    const filters: RecordFilters = { category: q.category ?? '', type: q.type ?? '', from: q.from ?? '', to: q.to ?? '' };
    // The list route's own query, as GET /v1/me/records?category=…&type=… would be read.
    const query: RecordQueryInput = { limit: 50 };
    if (filters.category) query.category = [filters.category];
    if (filters.type) query.type = [filters.type];
    if (filters.from) query.from = filters.from;
    if (filters.to) query.to = filters.to;
    if (q.cursor) query.cursor = q.cursor;
    let errors: FieldError[] = bodyErrors(RecordQuerySchema, query).map((e) => ({ ...e, field: e.field.split('.')[0]!, in: 'query' as const }));
    let page = { items: [] as Awaited<ReturnType<typeof listRecords>>['items'], nextCursor: null as string | null };
    if (errors.length === 0) {
      try {
        page = await listRecords(deps, ownScope(subjectOf(actor)), toRecordQuery(deps, query));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = e.errors;
      }
    }
    const chrome = chromeOf(request, messages.records.title, notices[q.done ?? '']);
    return sendPage(reply, <RecordsPage chrome={chrome} catalogue={catalogue} records={page.items} filters={filters} errors={errors} next={page.nextCursor} />, errors.length ? 400 : 200);
  });

  const TypeQuery = Type.Object({ type: Type.Optional(Type.String({ maxLength: 64 })), done: Done }, { additionalProperties: false });

  app.get('/records/new', { config: { ...citizen, delegable: 'add-records' }, schema: { hide: true, querystring: TypeQuery } }, async (request, reply) => {
    const def = request.query.type ? catalogue.type(request.query.type) : undefined;
    if (!def) return sendPage(reply, <ChooseTypePage chrome={chromeOf(request, messages.newRecord.title, notices[request.query.done ?? ''])} catalogue={catalogue} />);
    const now = new Date(deps.clock.now()).toISOString().slice(0, 16);
    return sendPage(reply, <NewRecordPage chrome={chromeOf(request, def.label)} def={def} values={{ effectiveAt: now }} errors={[]} now={now} />);
  });

  app.post('/records/new', { config: { ...citizen, delegable: 'add-records' }, schema: { hide: true, querystring: TypeQuery, body: FormSchema(recordFields) } }, async (request, reply) => {
    const def = request.query.type ? catalogue.type(request.query.type) : undefined;
    if (!def) return reply.redirect('/app/records/new', 303);
    const { input, errors } = recordInputOf(def, request.body, deps.clock.now());
    let all = errors.length ? errors : bodyErrors(RecordInputSchema, input);
    if (all.length === 0) {
      try {
        const actor = actorOf(request);
        await createOwnRecord(deps, actor, input as never);
        // A delegate who may add records but not read them stays where records are added.
        const readable = !actor.onBehalfOf || actor.onBehalfOf.powers.includes('read-records');
        return reply.redirect(readable ? '/app/?done=record-added' : '/app/records/new?done=record-added', 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        all = e.errors;
      }
    }
    return sendPage(reply, <NewRecordPage chrome={chromeOf(request, def.label)} def={def} values={request.body} errors={all} />, 400);
  });

  app.post(
    '/records/:id/delete',
    { config: citizen, schema: { hide: true, params: Type.Object({ id: UuidSchema }, { additionalProperties: false }) } },
    async (request, reply) => {
      await deleteOwnRecord(deps, actorOf(request), request.params.id);
      return reply.redirect('/app/records?done=deleted', 303);
    },
  );

  app.get(
    '/access-log',
    { config: { ...citizen, delegable: 'manage-sharing' }, schema: { hide: true, querystring: Type.Object({ cursor: Type.Optional(CursorSchema) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const page = await listAccessLog(deps, subjectOf(actor), { order: 'desc', limit: 50, ...(request.query.cursor ? { cursor: request.query.cursor } : {}) });
      const names = new Map<string, Promise<string>>();
      // Delegates are named as the person named them (GET /v1/me/delegates); never to a delegate, for whom that list is not theirs.
      const delegates = actor.onBehalfOf ? Promise.resolve(new Map<string, string | null>()) : listDelegates(deps, subjectOf(actor)).then(({ items }) => new Map(items.map((d) => [d.delegate.accountId, d.delegate.name])));
      const now = deps.clock.now();
      const entries: TimelineEntry[] = await Promise.all(
        page.items.map(async (e) => ({ id: e.id, at: e.at, when: dateTimeWords(e.at), relative: relativeWords(e.at, now), sentence: await sentenceOf(deps, actor, e, names, delegates) })),
      );
      return sendPage(reply, <AccessLogPage chrome={chromeOf(request, messages.log.title)} entries={entries} next={page.nextCursor} />);
    },
  );

  app.get('/account', { config: citizen, schema: { hide: true } }, async (request, reply) => {
    const me = await describeMe(deps, actorOf(request));
    return sendPage(reply, <AccountPage chrome={chromeOf(request, messages.account.title)} me={me} errors={[]} />);
  });

  app.get(
    '/account/export',
    {
      config: citizen,
      // A HEAD would run (and log) the whole export only to drop its body.
      exposeHeadRoute: false,
      schema: { hide: true, querystring: Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('fhir')]) }, { additionalProperties: false }) },
    },
    async (request, reply) => sendExport(deps, actorOf(request), request.query.format, reply),
  );

  app.post('/account/erase', { config: citizen, schema: { hide: true, body: FormSchema(['password']) } }, async (request, reply) => {
    const actor = actorOf(request);
    const password = list(request.body, 'password')[0] ?? '';
    let errors = bodyErrors(Type.Object({ password: Type.String({ minLength: 1 }) }), { password });
    if (errors.length === 0) {
      try {
        await eraseMe(deps, actor, password, request.ip);
        return reply.header('set-cookie', clearedSessionCookie(deps.config)).redirect('/app/login?done=erased', 303);
      } catch (e) {
        if (!(e instanceof ForbiddenError) && !(e instanceof RateLimitedError)) throw e;
        if (e instanceof RateLimitedError) reply.header('retry-after', String(e.retryAfterSeconds)).code(429);
        errors = [err('password', e.message)];
      }
    }
    const me = await describeMe(deps, actor);
    return sendPage(reply, <AccountPage chrome={chromeOf(request, messages.account.title)} me={me} errors={errors} />, reply.statusCode === 429 ? 429 : 400);
  });
};

export default citizenRoutes;
