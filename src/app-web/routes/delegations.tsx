import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actingCookie, actingCookieName, clearedActingCookie, readCookie } from '../../core/cookies.js';
import { UuidSchema } from '../../core/schemas.js';
import { NotFoundError } from '../../errors.js';
import { listDelegations } from '../../features/delegates/service.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { DelegationsPage } from '../pages/delegations.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, sendPage } from '../render.js';
import { dateWords, powersWords } from '../views/words.js';

/**
 * The delegate's side (docs/web-app.md, "Acting for someone"): the people they may act for
 * (GET /v1/delegations), and choosing one. These pages are the delegate's own, so they work as
 * themselves even while acting for someone.
 */
const delegate = { auth: ['citizen' as const, 'practitioner' as const], credentials: 'cookie' as const, ownWhileActing: true };
const a = messages.acting;
const notices: Record<string, string> = { stopped: a.stopped, ended: a.ended };

/** The first page a delegate's powers open, where acting starts. */
function startOf(powers: string[]): string {
  if (powers.includes('read-records')) return '/app/';
  if (powers.includes('manage-sharing')) return '/app/sharing';
  return '/app/records/new';
}

const delegationRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps }) => {
  app.get(
    '/delegations',
    { config: delegate, schema: { hide: true, querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const { items } = await listDelegations(deps, actorOf(request));
      const current = readCookie(request.headers.cookie, actingCookieName(deps.config));
      const people = items.map((d) => {
        const person = d.person.name ?? a.someone;
        const powers = powersWords(d.powers, a.theirPowers);
        const basis = messages.delegates.bases[d.basis] ?? d.basis;
        return { id: d.id, person, sentence: a.sentence(person, powers, basis, messages.words.until(dateWords(d.expiresAt))), current: d.id === current };
      });
      return sendPage(reply, <DelegationsPage chrome={chromeOf(request, a.title, notices[request.query.done ?? ''])} people={people} />);
    },
  );

  app.post('/delegations/:id/act', { config: delegate, schema: { hide: true, params: Type.Object({ id: UuidSchema }, { additionalProperties: false }) } }, async (request, reply) => {
    // Only a delegation GET /v1/delegations lists for this caller now; every later page obtains
    // its token and re-checks it (src/plugins/auth.ts).
    const d = (await listDelegations(deps, actorOf(request))).items.find((x) => x.id === request.params.id);
    if (!d) throw new NotFoundError('No such delegation, or it has ended');
    return reply.header('set-cookie', actingCookie(deps.config, d.id)).redirect(startOf(d.powers), 303);
  });

  app.post('/delegations/stop', { config: delegate, schema: { hide: true } }, async (_request, reply) =>
    reply.header('set-cookie', clearedActingCookie(deps.config)).redirect('/app/delegations?done=stopped', 303),
  );
};

export default delegationRoutes;
