import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../core/actor.js';
import type { Deps } from '../core/deps.js';
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { AccountKind, AuthRow } from '../storage/contract.js';
import { checkAuthRow } from '../core/integrity.js';
import { parseScopes, scopeContextOf, type SmartScopes } from '../core/smart-scopes.js';

/**
 * Authentication on every request (CONVENTIONS §2.1): the access token's signature is checked
 * with fast-jwt, then its session and account are loaded from the database, so a revoked
 * session, a disabled account or an erased person stops working on the very next request.
 * Routes declare who may call them; a route that declares nothing fails at boot.
 */

/** Claims Tessera puts in access tokens. Authorization never trusts them beyond `sid`. */
export interface AccessClaims {
  sub: string;
  sid: string;
  kind: AccountKind;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`, or the account kinds that may call the route. */
    auth?: 'public' | AccountKind[];
    /**
     * The route narrows what it serves by the session's SMART scopes (docs/fhir.md). A session
     * with scopes may call only such routes: elsewhere nothing would narrow it.
     */
    smart?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** When the presented access token expires (epoch ms); long-lived channels end then. */
    tokenExpiresAt: number | null;
  }
  interface FastifyInstance {
    /** Signs an access token with the current signing key (which a key rotation may change). */
    signAccessToken(claims: AccessClaims): string;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AccessClaims;
  }
}

async function authPlugin(app: FastifyInstance, deps: Deps) {
  const { keyring, config } = deps;
  await app.register(fastifyJwt, {
    secret: {
      private: keyring.signing.privatePem,
      // Tokens name their key; after a rotation older keys still verify until their tokens expire.
      public: (_req: FastifyRequest, token: unknown) => {
        const kid = (token as { header?: { kid?: unknown } }).header?.kid;
        const key = typeof kid === 'string' ? keyring.verifyingKey(kid) : undefined;
        if (!key) return Promise.reject(new UnauthenticatedError('The token was signed by an unknown key'));
        return Promise.resolve(key.publicPem);
      },
    },
    decode: { complete: true },
    sign: {
      algorithm: 'EdDSA',
      kid: keyring.signing.kid,
      iss: config.publicUrl,
      aud: config.publicUrl,
      // @fastify/jwt reads a number here as seconds.
      expiresIn: config.accessTokenTtlSeconds,
    },
    verify: {
      algorithms: ['EdDSA'],
      allowedIss: config.publicUrl,
      allowedAud: config.publicUrl,
      requiredClaims: ['sub', 'sid', 'exp', 'iat'],
      // Caches signature checks only; the session and account are still read from the DB.
      cache: 10_000,
    },
  });

  const initialKid = keyring.signing.kid;
  app.decorate('signAccessToken', (claims: AccessClaims) => {
    const current = keyring.signing;
    // The plugin's own signer holds the key it started with; after a rotation, sign with the new one.
    return current.kid === initialKid ? app.jwt.sign(claims) : app.jwt.sign(claims, { key: current.privatePem, kid: current.kid });
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('tokenExpiresAt', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'public' };
    if (!route.config?.auth) throw new Error(`route ${String(route.method)} ${route.url} declares no auth: deny by default`);
  });

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    reply.header('cache-control', 'no-store');
    if (auth === undefined || auth === 'public') return;
    const header = request.headers.authorization;
    if (!header || !/^Bearer\s+\S+$/i.test(header)) throw new UnauthenticatedError();
    let claims: AccessClaims;
    try {
      claims = await request.jwtVerify<AccessClaims>();
    } catch {
      throw new UnauthenticatedError('The access token is invalid or expired');
    }
    const row = await liveSession(deps, claims.sid, claims.sub);
    if (!row) throw new UnauthenticatedError('The access token is no longer valid');
    const exp = (claims as AccessClaims & { exp?: number }).exp;
    request.tokenExpiresAt = typeof exp === 'number' ? exp * 1000 : null;
    const a = row.account;
    if (!auth.includes(a.kind)) throw new ForbiddenError(`This endpoint is not for ${a.kind} accounts`);
    const scopes = sessionScopes(row);
    if (scopes !== null && !request.routeOptions.config.smart) throw new ForbiddenError('This token carries SMART scopes, which do not cover this endpoint');
    request.actor = { accountId: a.id, kind: a.kind, sessionId: row.sessionId, subjectId: a.subjectId, organisationId: a.organisationId, scopes };
  });
}

export default fp(authPlugin, { name: 'tessera-auth' });

/**
 * The one check of a session, from the database: it exists, belongs to the account, is neither
 * revoked nor expired, and its account is not disabled. Requests run it once; long-lived
 * channels (SSE, webhooks) run it again before every delivery.
 * @returns the session and its account while they hold, else undefined
 */
export async function liveSession(deps: Deps, sessionId: string, accountId: string): Promise<AuthRow | undefined> {
  const row = await deps.storage.sessions.authLookup(sessionId);
  const now = deps.clock.now();
  if (!row || row.account.id !== accountId || row.sessionRevokedAt !== null || row.sessionExpiresAt <= now || row.account.disabledAt !== null) {
    return undefined;
  }
  // A session extended or an account moved to another organisation behind the service's back is refused.
  checkAuthRow(deps.keyring, row);
  return row;
}

/** @returns the scopes stored with a session (MAC-checked with it), or null for an unscoped one */
function sessionScopes(row: AuthRow): SmartScopes | null {
  const context = scopeContextOf(row.account.kind);
  if (row.sessionScope === null || !context) return null;
  return parseScopes(row.sessionScope, context);
}

/** @returns the authenticated caller; routes behind `auth` always have one */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}
