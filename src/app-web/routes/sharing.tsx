import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { bodyErrors } from '../../core/validation.js';
import { ValidationError, type FieldError } from '../../errors.js';
import { listAccessLog } from '../../features/access-log/service.js';
import { ApproveSchema } from '../../features/access-requests/schemas.js';
import { approveRequest, denyRequest, listRequests } from '../../features/access-requests/service.js';
import { supporterProfile } from '../../core/supporters.js';
import { GrantInputSchema, type GrantInput, type GrantView } from '../../features/grants/schemas.js';
import { createGrant, getOwnGrant, listOwnGrants, previewGrant, revokeGrant } from '../../features/grants/service.js';
import { deleteWatchOnMe, listWatchesOnMe } from '../../features/watches/service.js';
import { subjectOf } from '../../core/actor.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { CareSections } from '../pages/care.js';
import { GrantPage, PreviewPage, SharingPage, type SharingData } from '../pages/sharing.js';
import { careData, careNotices, type CareErrors } from './care-data.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text, type FormBody } from '../render.js';
import { dateWords, membersWords, purposeClause, relativeWords, supporterWords, termsWords, typeWords } from '../views/words.js';

const citizen = { auth: ['citizen' as const], credentials: 'cookie' as const, delegable: 'manage-sharing' as const };
const IdParams = Type.Object({ id: UuidSchema }, { additionalProperties: false });
const s = messages.sharing;
const notices: Record<string, string> = { granted: s.granted, revoked: s.revoked, denied: s.denied, 'watch-removed': s.watchRemoved, ...careNotices };
const giveFields = ['granteeKind', 'granteeId', 'access', 'categories', 'from', 'to', 'purpose', 'purposeText', 'expiresAt'];

/** A date from a date field means the end of that day (UTC); anything else goes to the API as typed. */
function endOfDay(value: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59Z` : value;
}

/** Builds the body POST /v1/me/grants takes from the give-access form. */
function grantInputOf(body: FormBody): { input: Record<string, unknown>; granteeKey: 'accountId' | 'organisationId' } {
  const granteeKey = text(body, 'granteeKind') === 'organisation' ? 'organisationId' : 'accountId';
  const input: Record<string, unknown> = {
    grantee: { [granteeKey]: text(body, 'granteeId') },
    access: text(body, 'access') || 'read',
    categories: list(body, 'categories'),
    purpose: text(body, 'purpose'),
  };
  for (const name of ['from', 'to', 'purposeText']) if (text(body, name)) input[name] = text(body, name);
  if (text(body, 'expiresAt')) input.expiresAt = endOfDay(text(body, 'expiresAt'));
  return { input, granteeKey };
}

/**
 * The grantee is one of two shapes, so a bad id fails both and Ajv reports both: keep the
 * message about the shape the person chose, under the one field the form has for it.
 */
function granteeErrors(errors: FieldError[], key: string): FieldError[] {
  const mine = errors.filter((e) => e.field === `grantee.${key}` && e.detail !== 'is not an allowed field');
  const others = errors.filter((e) => !e.field.startsWith('grantee') && !(e.detail.startsWith('must match a schema in anyOf') && errors.some((o) => o !== e && o.field === e.field)));
  const grantee = errors.some((e) => e.field.startsWith('grantee')) ? [{ ...(mine[0] ?? errors.find((e) => e.field.startsWith('grantee'))!), field: 'grantee' }] : [];
  return [...grantee, ...others];
}

async function sharingData(deps: Deps, subjectId: string): Promise<SharingData> {
  const now = deps.clock.now();
  const { catalogue } = deps;
  const [active, all, pending, watches, reads] = await Promise.all([
    listOwnGrants(deps, subjectId, { status: 'active', limit: 200 }),
    listOwnGrants(deps, subjectId, { limit: 50 }),
    listRequests(deps, subjectId, { status: 'pending', limit: 100 }),
    listWatchesOnMe(deps, subjectId, { limit: 100 }),
    listAccessLog(deps, subjectId, { action: 'records.read', order: 'desc', limit: 500 }),
  ]);
  const lastRead = new Map<string, string>();
  for (const e of reads.items) for (const g of e.grantIds) if (!lastRead.has(g)) lastRead.set(g, e.at);
  const who = async (accountId: string | null | undefined, organisationId: string | null | undefined) => supporterWords(await supporterProfile(deps, accountId ?? null, organisationId ?? null));
  const describeGrant = async (g: GrantView) => {
    const name = (await who(g.grantee.accountId, g.grantee.organisationId)) + membersWords(g.members);
    const read = lastRead.get(g.id);
    const tail = g.status === 'active' ? `; ${read ? s.lastRead(relativeWords(read, now)) : s.neverRead}` : ` — ${s.ended(g.status, dateWords(g.revokedAt ?? g.expiresAt))}`;
    return { item: g, who: name, sentence: `${name} ${termsWords(catalogue, g, 'can')}, ${messages.words.until(dateWords(g.expiresAt))}, ${purposeClause(g)}${tail}` };
  };
  return {
    grants: await Promise.all(active.items.map(describeGrant)),
    ended: await Promise.all(all.items.filter((g) => g.status !== 'active').map(describeGrant)),
    requests: await Promise.all(
      pending.items
        .filter((r) => r.status === 'pending')
        .map(async (r) => {
          const name = await who(r.requester.accountId, null);
          return { item: r, who: name, sentence: `${name} ${termsWords(catalogue, r, 'asks')}, ${messages.words.until(dateWords(r.grantExpiresAt))}, ${purposeClause(r)}.` };
        }),
    ),
    watches: await Promise.all(
      watches.items.map(async (w) => {
        const name = await who(w.watcher.accountId, null);
        const rule = w.flag ? `flag ${w.flag}` : `${w.field} ${w.op} ${w.threshold}`;
        return { item: w, who: name, sentence: `${name}: ${typeWords(catalogue, w.type)}, ${rule}${w.active ? '' : ` (${s.inactive})`}` };
      }),
    ),
  };
}

/** What the sharing page shows besides its own sections, and the errors of a form posted there. */
export interface SharingOptions {
  status?: number;
  notice?: string | undefined;
  give?: { values: FormBody; errors: FieldError[] };
  requestErrors?: { id: string; errors: FieldError[] };
  care?: CareErrors;
}

/** Renders /app/sharing for the person the caller acts on (themselves, or whom they act for). */
export async function sharingPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, opts: SharingOptions) {
  const actor = actorOf(request);
  const [data, care] = await Promise.all([sharingData(deps, subjectOf(actor)), careData(deps, actor)]);
  return sendPage(
    reply,
    <SharingPage
      chrome={chromeOf(request, s.title, opts.notice)}
      catalogue={deps.catalogue}
      data={data}
      give={opts.give ?? { values: {}, errors: [] }}
      requestErrors={opts.requestErrors ?? null}
      care={<CareSections catalogue={deps.catalogue} data={care} errors={opts.care ?? {}} />}
    />,
    opts.status ?? 200,
  );
}

const sharingRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  const page = (request: FastifyRequest, reply: FastifyReply, opts: SharingOptions) => sharingPage(deps, request, reply, opts);
  const { catalogue } = deps;

  app.get('/sharing', { config: citizen, schema: { hide: true, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }) } }, async (request, reply) =>
    page(request, reply, { notice: notices[request.query.done ?? ''] }),
  );

  /** Checks a give-access form as POST /v1/me/grants would; returns the body or the page with its errors. */
  function checkedGrant(body: FormBody) {
    const { input, granteeKey } = grantInputOf(body);
    const errors = granteeErrors(bodyErrors(GrantInputSchema, input), granteeKey);
    return { input: input as unknown as GrantInput, granteeKey, errors };
  }

  app.post('/sharing/preview', { config: citizen, schema: { hide: true, body: FormSchema(giveFields) } }, async (request, reply) => {
    const { input, granteeKey, errors } = checkedGrant(request.body);
    const subjectId = subjectOf(actorOf(request));
    if (errors.length === 0) {
      try {
        const preview = await previewGrant(deps, subjectId, input);
        const grantee = input.grantee as { accountId?: string; organisationId?: string };
        const name = supporterWords(await supporterProfile(deps, grantee.accountId ?? null, grantee.organisationId ?? null));
        const terms = { access: input.access, categories: input.categories, types: input.types ?? null, from: input.from ?? null, to: input.to ?? null, purpose: input.purpose, purposeText: input.purposeText ?? null };
        const until = input.expiresAt ? `, ${messages.words.until(dateWords(input.expiresAt))}` : '';
        const sentence = `${name} ${termsWords(catalogue, terms, 'can')}${until}, ${purposeClause(terms)}.`;
        return sendPage(reply, <PreviewPage chrome={chromeOf(request, s.previewTitle)} catalogue={catalogue} sentence={sentence} preview={preview} values={request.body} />);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        return page(request, reply, { status: 400, give: { values: request.body, errors: granteeErrors(e.errors, granteeKey) } });
      }
    }
    return page(request, reply, { status: 400, give: { values: request.body, errors } });
  });

  app.post('/sharing/grants', { config: citizen, schema: { hide: true, body: FormSchema(giveFields) } }, async (request, reply) => {
    const { input, granteeKey, errors } = checkedGrant(request.body);
    const actor = actorOf(request);
    if (errors.length === 0) {
      try {
        const grant = await createGrant(deps, actor, subjectOf(actor), input);
        return reply.redirect(`/app/sharing/grants/${grant.id}?done=granted`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        return page(request, reply, { status: 400, give: { values: request.body, errors: granteeErrors(e.errors, granteeKey) } });
      }
    }
    return page(request, reply, { status: 400, give: { values: request.body, errors } });
  });

  app.get(
    '/sharing/grants/:id',
    { config: citizen, schema: { hide: true, params: IdParams, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const g = await getOwnGrant(deps, subjectOf(actorOf(request)), request.params.id);
      const name = supporterWords(await supporterProfile(deps, g.grantee.accountId ?? null, g.grantee.organisationId ?? null)) + membersWords(g.members);
      const status = g.status === 'active' ? '' : ` — ${s.ended(g.status, dateWords(g.revokedAt ?? g.expiresAt))}`;
      const sentence = `${name} ${termsWords(catalogue, g, 'can')}, ${messages.words.until(dateWords(g.expiresAt))}, ${purposeClause(g)}${status}.`;
      const title = g.status === 'revoked' ? s.revoked : s.granted;
      return sendPage(reply, <GrantPage chrome={chromeOf(request, title, notices[request.query.done ?? ''])} sentence={sentence} grant={g} />);
    },
  );

  app.post('/sharing/grants/:id/revoke', { config: citizen, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const actor = actorOf(request);
    await revokeGrant(deps, actor, subjectOf(actor), request.params.id);
    return reply.redirect(`/app/sharing/grants/${request.params.id}?done=revoked`, 303);
  });

  app.post('/sharing/requests/:id/approve', { config: citizen, schema: { hide: true, params: IdParams, body: FormSchema(['categories', 'expiresAt', 'requestedUntil']) } }, async (request, reply) => {
    const actor = actorOf(request);
    // The same narrowing body POST /v1/me/access-requests/{id}/approve takes.
    const input: Record<string, unknown> = { categories: list(request.body, 'categories') };
    // The date field shows the requested expiry's day; left as it is, the grant ends when asked.
    const until = text(request.body, 'expiresAt');
    if (until && until !== text(request.body, 'requestedUntil').slice(0, 10)) input.expiresAt = endOfDay(until);
    let errors = bodyErrors(ApproveSchema, input);
    if (errors.length === 0) {
      try {
        const grant = await approveRequest(deps, actor, subjectOf(actor), request.params.id, input);
        return reply.redirect(`/app/sharing/grants/${grant.id}?done=granted`, 303);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = e.errors;
      }
    }
    return page(request, reply, { status: 400, requestErrors: { id: request.params.id, errors } });
  });

  app.post('/sharing/requests/:id/deny', { config: citizen, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const actor = actorOf(request);
    await denyRequest(deps, actor, subjectOf(actor), request.params.id);
    return reply.redirect('/app/sharing?done=denied', 303);
  });

  app.post('/sharing/watches/:id/delete', { config: citizen, schema: { hide: true, params: IdParams } }, async (request, reply) => {
    const actor = actorOf(request);
    await deleteWatchOnMe(deps, actor, subjectOf(actor), request.params.id);
    return reply.redirect('/app/sharing?done=watch-removed', 303);
  });
};

export default sharingRoutes;
