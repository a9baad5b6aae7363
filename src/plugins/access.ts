import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Deps } from '../core/deps.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { GrantRow } from '../storage/contract.js';
import { actorOf } from './auth.js';
import { verifiedHoldings } from '../core/holdings.js';

/**
 * Authorization for routes on someone else's store (CONVENTIONS §2.3). A route under
 * `/v1/subjects/:subjectId` declares its need (`config.access`); this plugin reads the caller's
 * live grants on that person from the database on every request, with no cache, so revocation,
 * expiry and disabling bite on the very next request. Need, holdings and decision are separate:
 * - no active grant at all on the person → 404, the same answer as a person who does not exist
 *   (hiding existence, as Solid's authorizer does);
 * - grants, but none of the access needed → 403.
 * A subject route that declares no need fails at boot: deny by default.
 */

export type AccessNeed = 'read' | 'append' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a route on `/v1/subjects/:subjectId` needs; `none` for access requests. */
    access?: AccessNeed;
  }
  interface FastifyRequest {
    /** The caller's active grants on the route's person that allow the declared access. */
    grants: GrantRow[];
  }
}

async function accessPlugin(app: FastifyInstance, deps: Deps) {
  app.decorateRequest('grants', null as unknown as GrantRow[]);

  app.addHook('onRoute', (route) => {
    if (route.url.includes(':subjectId') && !route.config?.access) {
      throw new Error(`route ${String(route.method)} ${route.url} names a subject but declares no access need: deny by default`);
    }
  });

  app.addHook('preHandler', async (request: FastifyRequest) => {
    const need = request.routeOptions.config.access;
    if (!need || need === 'none') return;
    const actor = actorOf(request);
    const { subjectId } = request.params as { subjectId: string };
    const holdings = await verifiedHoldings(deps, actor, subjectId, deps.clock.now());
    if (holdings.length === 0) throw new NotFoundError('No such person');
    const usable = holdings.filter((g) => g.access === need);
    if (usable.length === 0) throw new ForbiddenError(`None of your grants on this person allows ${need}`);
    request.grants = usable;
  });
}

export default fp(accessPlugin, { name: 'tessera-access', dependencies: ['tessera-auth'] });
