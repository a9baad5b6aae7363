import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../core/actor.js';
import type { Deps } from '../core/deps.js';
import { ForbiddenError, NotFoundError } from '../errors.js';
import type { GrantRow } from '../storage/contract.js';
import { actorOf } from './auth.js';
import { verifiedHoldings } from '../core/holdings.js';

/**
 * Authorization for routes on someone else's store (docs/architecture.md "The request path"). A route under
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

/**
 * The one decision on someone else's store, for routes that name the person in their path (this
 * plugin) and for those that name them elsewhere (FHIR's `patient` search parameter).
 * @returns the caller's active grants on the person that allow `need`
 * @throws NotFoundError when it holds no active grant on the person at all; ForbiddenError when none allows `need`
 */
export async function grantsAllowing(deps: Deps, actor: Actor, subjectId: string, need: 'read' | 'append'): Promise<GrantRow[]> {
  // Outcome-reporting consent counts a person in aggregates only; on their store it is no
  // grant at all, so it cannot even tell the organisation the person exists (docs/outcomes.md).
  const holdings = (await verifiedHoldings(deps, actor, subjectId, deps.clock.now())).filter((g) => g.access !== 'aggregate');
  if (holdings.length === 0) throw new NotFoundError('No such person');
  const usable = holdings.filter((g) => g.access === need);
  if (usable.length === 0) throw new ForbiddenError(`None of your grants on this person allows ${need}`);
  return usable;
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
    const { subjectId } = request.params as { subjectId: string };
    request.grants = await grantsAllowing(deps, actorOf(request), subjectId, need);
  });
}

export default fp(accessPlugin, { name: 'tessera-access', dependencies: ['tessera-auth'] });
