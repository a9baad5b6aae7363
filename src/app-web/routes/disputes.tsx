import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { subjectOf, type Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { UuidSchema } from '../../core/schemas.js';
import { supporterProfile } from '../../core/supporters.js';
import { bodyErrors } from '../../core/validation.js';
import { ConflictError, ValidationError, type FieldError } from '../../errors.js';
import type { TypeDef } from '../../features/catalogue/model.js';
import { DisputeInputSchema, ResolveInputSchema, type DisputeView } from '../../features/disputes/schemas.js';
import { getDisputeForWriter, listDisputesForWriter, openDispute, resolveDispute } from '../../features/disputes/service.js';
import { getRecord, logDelegateRead, ownScope, withSignposting } from '../../features/records/service.js';
import { actorOf, OutsidePowersError } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { DisputePage, DisputesPage, RecordPage } from '../pages/disputes.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, sendPage, text, type FormBody } from '../render.js';
import { dateTimeWords, supporterWords, typeWords } from '../views/words.js';
import { recordFields, recordInputOf } from './citizen.js';

/**
 * Disputes in the app (docs/web-app.md): the person's page of one record with "Dispute this
 * record" (POST /v1/me/records/{id}/disputes), and the writing organisation's `/app/disputes`
 * with the answer form (GET /v1/disputes, POST /v1/disputes/{id}/resolve).
 */
const citizen = { auth: ['citizen' as const], credentials: 'cookie' as const };
const practitioner = { auth: ['practitioner' as const], credentials: 'cookie' as const };
const Params = Type.Object({ id: UuidSchema }, { additionalProperties: false });
const Done = Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false });
const notices: Record<string, string> = { disputed: messages.record.disputed, resolved: messages.disputes.sent };

/** A delegate may dispute for the person when they may add records, as the API route allows. */
function mayDispute(actor: Actor): boolean {
  return !actor.onBehalfOf || actor.onBehalfOf.powers.includes('add-records');
}

/**
 * The dispute form is on the record's page, which shows the record: a delegate who may add
 * records but not read them uses neither (the API alone lets them dispute a record by id).
 */
function mustRead(actor: Actor): void {
  if (actor.onBehalfOf && !actor.onBehalfOf.powers.includes('read-records')) throw new OutsidePowersError('Reading records is not among the powers the person gave');
}

async function recordPage(deps: Deps, request: FastifyRequest, reply: FastifyReply, id: string, form: { values: FormBody; errors: FieldError[]; status: number; done?: string | undefined }) {
  const actor = actorOf(request);
  mustRead(actor);
  const record = await getRecord(deps, ownScope(subjectOf(actor)), id);
  await logDelegateRead(deps, actor, [record]);
  const writer = record.source.kind === 'practitioner' || record.source.kind === 'client' ? supporterWords(await supporterProfile(deps, record.source.accountId, record.source.organisationId)) : null;
  const chrome = chromeOf(request, messages.records.open(typeWords(deps.catalogue, record.type), dateTimeWords(record.effectiveAt)), notices[form.done ?? '']);
  // Deleting is never a delegate's (the delete route takes the person alone), as on the records list.
  const canDelete = !actor.onBehalfOf;
  return sendPage(
    reply,
    <RecordPage chrome={chrome} catalogue={deps.catalogue} record={withSignposting(deps, record)} writer={writer} canDispute={mayDispute(actor)} canDelete={canDelete} values={form.values} errors={form.errors} />,
    form.status,
  );
}

/**
 * The type whose add-record fields write the corrected record: a catalogue type those fields
 * cover. A record about an organisation (`support-feedback`) names one from the person's grants,
 * which are not the writer's to list, so it is not amended here.
 */
function amendableDef(deps: Deps, d: DisputeView): TypeDef | undefined {
  const def = deps.catalogue.type(d.record.type);
  return def && !def.text?.about ? def : undefined;
}

/** The API's field names (`record.answers.2`) as the form names its fields (`answers.2`). */
function formFieldsOf(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({ ...e, field: e.field === 'record' || e.field === 'record.type' ? 'outcome' : e.field.replace(/^record\./, '') }));
}

/** Builds the body POST /v1/disputes/{id}/resolve takes from the answer form. */
function resolveInputOf(deps: Deps, d: DisputeView, body: FormBody): { input: Record<string, unknown>; errors: FieldError[] } {
  const outcome = text(body, 'outcome');
  const input: Record<string, unknown> = { outcome, note: text(body, 'note') };
  if (outcome === '') return { input, errors: [{ field: 'outcome', pointer: '/outcome', in: 'body', detail: messages.errors.chooseAnswer }] };
  const def = amendableDef(deps, d);
  if (outcome !== 'amended' || !def) return { input, errors: [] };
  const record = recordInputOf(def, body, deps.clock.now());
  // Left empty, the correction is dated as the record it corrects.
  if (text(body, 'effectiveAt') === '') record.input.effectiveAt = d.record.effectiveAt;
  input.record = record.input;
  return { input, errors: record.errors };
}

const disputeRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  app.get('/records/:id', { config: { ...citizen, delegable: 'read-records' }, schema: { hide: true, params: Params, querystring: Done } }, async (request, reply) =>
    recordPage(deps, request, reply, request.params.id, { values: {}, errors: [], status: 200, done: request.query.done }),
  );

  app.post(
    '/records/:id/dispute',
    { config: { ...citizen, delegable: 'add-records' }, schema: { hide: true, params: Params, body: FormSchema(['statement']) } },
    async (request, reply) => {
      mustRead(actorOf(request));
      const input = { statement: text(request.body, 'statement') };
      let errors = bodyErrors(DisputeInputSchema, input);
      if (errors.length === 0) {
        try {
          await openDispute(deps, actorOf(request), request.params.id, input);
          return reply.redirect(`/app/records/${request.params.id}?done=disputed`, 303);
        } catch (e) {
          // A second open dispute, or a record the person wrote: said next to the statement.
          if (e instanceof ConflictError) errors = [{ field: 'statement', pointer: '/statement', in: 'body', detail: e.message }];
          else if (e instanceof ValidationError) errors = e.errors;
          else throw e;
        }
      }
      return recordPage(deps, request, reply, request.params.id, { values: request.body, errors, status: 400 });
    },
  );

  app.get('/disputes', { config: practitioner, schema: { hide: true, querystring: Done } }, async (request, reply) => {
    const actor = actorOf(request);
    const [open, all] = await Promise.all([listDisputesForWriter(deps, actor, { status: 'open', limit: 100 }), listDisputesForWriter(deps, actor, { limit: 100 })]);
    const disputes = [...open.items, ...all.items.filter((d) => d.status !== 'open')];
    return sendPage(reply, <DisputesPage chrome={chromeOf(request, messages.disputes.title, notices[request.query.done ?? ''])} catalogue={deps.catalogue} disputes={disputes} />);
  });

  const disputePage = async (request: FastifyRequest, reply: FastifyReply, d: DisputeView, values: FormBody, errors: FieldError[], status: number) => {
    const title = messages.disputes.about(typeWords(deps.catalogue, d.record.type), dateTimeWords(d.record.effectiveAt));
    const def = amendableDef(deps, d);
    return sendPage(reply, <DisputePage chrome={chromeOf(request, title)} catalogue={deps.catalogue} dispute={d} def={def} values={values} errors={errors} />, status);
  };

  app.get('/disputes/:id', { config: practitioner, schema: { hide: true, params: Params } }, async (request, reply) =>
    disputePage(request, reply, await getDisputeForWriter(deps, actorOf(request), request.params.id), {}, [], 200),
  );

  app.post(
    '/disputes/:id/resolve',
    { config: practitioner, schema: { hide: true, params: Params, body: FormSchema(['outcome', 'note', ...recordFields]) } },
    async (request, reply) => {
      const actor = actorOf(request);
      const d = await getDisputeForWriter(deps, actor, request.params.id);
      const { input, errors: formErrors } = resolveInputOf(deps, d, request.body);
      let errors = formErrors.length ? formErrors : formFieldsOf(bodyErrors(ResolveInputSchema, input));
      if (errors.length === 0) {
        try {
          await resolveDispute(deps, actor, d.id, input as never);
          return reply.redirect('/app/disputes?done=resolved', 303);
        } catch (e) {
          if (e instanceof ValidationError) errors = formFieldsOf(e.errors);
          else if (e instanceof ConflictError) errors = [{ field: 'outcome', pointer: '/outcome', in: 'body', detail: e.message }];
          else throw e;
        }
      }
      return disputePage(request, reply, await getDisputeForWriter(deps, actor, d.id), request.body, errors, 400);
    },
  );
};

export default disputeRoutes;
