import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bodyErrors } from '../../core/validation.js';
import { ValidationError, type FieldError } from '../../errors.js';
import { OutcomesQuerySchema, type OutcomesAnswer } from '../../features/outcomes/schemas.js';
import { queryOutcomes } from '../../features/outcomes/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { OutcomesPage } from '../pages/outcomes.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text, type FormBody } from '../render.js';

const practitioner = { auth: ['practitioner' as const], credentials: 'cookie' as const };

/** The commissioner's outcomes page: a view of POST /v1/outcomes/query. */
const outcomeRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  async function page(request: FastifyRequest, reply: FastifyReply, values: FormBody, errors: FieldError[], answer: OutcomesAnswer | null, status = 200) {
    const orgNames = new Map<string, string>();
    for (const cell of answer?.cells ?? []) {
      const id = cell.group.sourceOrganisationId;
      if (id && !orgNames.has(id)) orgNames.set(id, (await deps.storage.organisations.get(id))?.name ?? id);
    }
    return sendPage(reply, <OutcomesPage chrome={chromeOf(request, messages.outcomes.title)} catalogue={deps.catalogue} values={values} errors={errors} answer={answer} orgNames={orgNames} />, status);
  }

  app.get('/outcomes', { config: practitioner, schema: { hide: true } }, async (request, reply) => page(request, reply, {}, [], null));

  // A POST: every question asked writes an entry into the log of each person it counts.
  app.post('/outcomes', { config: practitioner, schema: { hide: true, body: FormSchema(['type', 'measure', 'from', 'to', 'groupBy']) } }, async (request, reply) => {
    const body = request.body;
    const input: Record<string, unknown> = { type: text(body, 'type'), measure: text(body, 'measure') };
    if (text(body, 'from')) input.from = text(body, 'from');
    if (text(body, 'to')) input.to = text(body, 'to');
    if (list(body, 'groupBy').length) input.groupBy = list(body, 'groupBy');
    let errors = bodyErrors(OutcomesQuerySchema, input);
    if (errors.length === 0) {
      try {
        return await page(request, reply, body, [], await queryOutcomes(deps, actorOf(request), input as never));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        errors = e.errors;
      }
    }
    return page(request, reply, body, errors, null, 400);
  });
};

export default outcomeRoutes;
