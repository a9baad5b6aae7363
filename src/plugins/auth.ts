import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Actor } from '../core/actor.js';
import { actingCookieName, readCookie, sessionCookieName } from '../core/cookies.js';
import type { Deps } from '../core/deps.js';
import { sessionIdOfSecret } from '../crypto/secrets.js';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors.js';
import type { AccountKind, AuthRow, DelegatePower } from '../storage/contract.js';
import { delegationToken, liveDelegation } from '../features/delegates/service.js';
import { checkAuthRow } from '../core/integrity.js';
import { parseScopes, scopeContextOf, type SmartScopes } from '../core/smart-scopes.js';

/**
 * Authentication on every request (docs/architecture.md "The request path"): the access token's signature is checked
 * with fast-jwt, then its session and account are loaded from the database, so a revoked
 * session, a disabled account or an erased person stops working on the very next request.
 * Routes declare who may call them; a route that declares nothing fails at boot.
 *
 * The web app's pages authenticate with the session cookie instead (docs/web-app.md): its
 * secret's digest is the id of a session row made as the password grant makes one, and it goes
 * through the same lookup and checks below. Only routes that say so take the cookie, and one
 * that changes state must live under /app/, where the Origin of every such request is checked;
 * so a cookie never authenticates a JSON call another site could forge.
 */

/**
 * Claims Tessera puts in access tokens. Authorization never trusts them beyond naming the
 * session (`sid`) and, for a delegate, the delegation (`did`): both are re-read every request.
 */
export interface AccessClaims {
  sub: string;
  sid: string;
  kind: AccountKind;
  /** A delegation token: the delegate acting (RFC 8693 §4.1); `sub` is then the person. */
  act?: { sub: string };
  did?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `public`, or the account kinds that may call the route. */
    auth?: 'public' | AccountKind[];
    /**
     * What authenticates the caller: a bearer token (the default), the web app's session
     * cookie, or either (a bearer token wins when both are sent).
     */
    credentials?: 'token' | 'cookie' | 'token-or-cookie';
    /**
     * For a person's own routes: the power a delegate needs to call it for them. A route that
     * names none is never open to delegation tokens (deny by default: erasure, delegates).
     */
    delegable?: DelegatePower;
    /**
     * The route narrows what it serves by the session's SMART scopes (docs/fhir.md). A session
     * with scopes may call only such routes: elsewhere nothing would narrow it.
     */
    smart?: boolean;
    /**
     * A web app page a delegate uses as themselves even while acting for someone (choosing or
     * stopping whom to act for, logging out): the acting cookie does not apply to it.
     */
    ownWhileActing?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** When the presented access token expires (epoch ms); long-lived channels end then. */
    tokenExpiresAt: number | null;
  }
  interface FastifyInstance {
    /** Signs an access token with the current signing key (which a key rotation may change). */
    signAccessToken(claims: AccessClaims, expiresInSeconds?: number): string;
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
  app.decorate('signAccessToken', (claims: AccessClaims, expiresInSeconds?: number) => {
    const current = keyring.signing;
    const lifetime = expiresInSeconds === undefined ? {} : { expiresIn: expiresInSeconds };
    // The plugin's own signer holds the key it started with; after a rotation, sign with the new one.
    return current.kid === initialKid ? app.jwt.sign(claims, lifetime) : app.jwt.sign(claims, { key: current.privatePem, kid: current.kid, ...lifetime });
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('tokenExpiresAt', null);

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, auth: 'public' };
    if (!route.config?.auth) throw new Error(`route ${String(route.method)} ${route.url} declares no auth: deny by default`);
    const methods = [route.method].flat();
    if ((route.config.credentials ?? 'token') !== 'token' && !route.url.startsWith('/app/') && methods.some((m) => m !== 'GET' && m !== 'HEAD')) {
      throw new Error(`route ${String(route.method)} ${route.url} takes the session cookie but changes state outside /app/, where Origin is not checked`);
    }
    if (route.config.delegable && (route.config.auth === 'public' || !route.config.auth.includes('citizen'))) {
      throw new Error(`route ${String(route.method)} ${route.url} is delegable but not a person's own route`);
    }
  });

  const cookieName = sessionCookieName(config);

  /**
   * @returns the session a request presents, with the account, expiry and claims its token
   * names (none for a cookie: its session row is all there is)
   */
  async function presented(request: FastifyRequest): Promise<{ sessionId: string; sub: string | null; expiresAt: number | null; claims: AccessClaims | null }> {
    const via = request.routeOptions.config.credentials ?? 'token';
    const header = request.headers.authorization;
    if (via === 'cookie' || (via === 'token-or-cookie' && !header)) {
      const secret = readCookie(request.headers.cookie, cookieName);
      if (!secret) throw new UnauthenticatedError('Log in first');
      return { sessionId: sessionIdOfSecret(secret), sub: null, expiresAt: null, claims: null };
    }
    if (!header || !/^Bearer\s+\S+$/i.test(header)) throw new UnauthenticatedError();
    let claims: AccessClaims;
    try {
      claims = await request.jwtVerify<AccessClaims>();
    } catch {
      throw new UnauthenticatedError('The access token is invalid or expired');
    }
    const exp = (claims as AccessClaims & { exp?: number }).exp;
    return { sessionId: claims.sid, sub: claims.sub, expiresAt: typeof exp === 'number' ? exp * 1000 : null, claims };
  }

  app.addHook('onRequest', async (request, reply) => {
    const auth = request.routeOptions.config.auth;
    reply.header('cache-control', 'no-store');
    if (auth === undefined || auth === 'public') return;
    const { sessionId, sub, expiresAt, claims } = await presented(request);
    request.tokenExpiresAt = expiresAt;
    if (claims?.act) {
      request.actor = await delegateActor(deps, claims, request.routeOptions.config.delegable, auth);
      if (request.actor.scopes !== null && !request.routeOptions.config.smart) throw new ForbiddenError('This token carries SMART scopes, which do not cover this endpoint');
      return;
    }
    const row = await liveSession(deps, sessionId, sub);
    if (!row) throw new UnauthenticatedError('The access token is no longer valid');
    const a = row.account;
    const own: Actor = { accountId: a.id, kind: a.kind, sessionId: row.sessionId, subjectId: a.subjectId, organisationId: a.organisationId, scopes: sessionScopes(row) };
    const page = request.routeOptions.url === '/app' || request.routeOptions.url?.startsWith('/app/');
    const acting = claims === null && page ? readCookie(request.headers.cookie, actingName) : undefined;
    if (acting !== undefined && !request.routeOptions.config.ownWhileActing) {
      request.actor = await actingActor(own, acting, request.routeOptions.config.delegable, auth);
      return;
    }
    if (!auth.includes(a.kind)) throw new ForbiddenError(`This endpoint is not for ${a.kind} accounts`);
    if (own.scopes !== null && !request.routeOptions.config.smart) throw new ForbiddenError('This token carries SMART scopes, which do not cover this endpoint');
    request.actor = own;
  });

  const actingName = actingCookieName(config);

  /**
   * A web app page acting for a person (docs/web-app.md, "Acting for someone"): the page obtains
   * the delegation token on the server, exactly as POST /v1/delegations/{id}/token issues it to
   * this session, verifies it and authenticates with it as with a bearer delegation token. The
   * token lives only for this request; the browser holds just the session cookie and the
   * delegation's id, so nothing it holds acts for the person without the session.
   * @throws ActingEndedError when the delegation no longer holds; OutsidePowersError for a page
   *   outside the delegation's powers
   */
  async function actingActor(own: Actor, delegationId: string, delegable: DelegatePower | undefined, auth: AccountKind[]): Promise<Actor> {
    if (!UUID.test(delegationId)) throw new ActingEndedError();
    let token: string;
    try {
      ({ access_token: token } = await delegationToken(deps, own, delegationId, (c, seconds) => app.signAccessToken(c, seconds)));
    } catch (e) {
      if (e instanceof NotFoundError) throw new ActingEndedError();
      throw e;
    }
    const kid = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid?: string }).kid;
    const key = kid === undefined ? undefined : keyring.verifyingKey(kid);
    if (!key) throw new ActingEndedError();
    const claims = app.jwt.verify<AccessClaims>(token, { key: key.publicPem });
    try {
      return await delegateActor(deps, claims, delegable, auth);
    } catch (e) {
      if (e instanceof ForbiddenError) throw new OutsidePowersError(e.message);
      if (e instanceof UnauthenticatedError) throw new ActingEndedError();
      throw e;
    }
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The delegation a browser acts under has ended (revoked, expired, or not the caller's). */
export class ActingEndedError extends UnauthenticatedError {
  constructor() {
    super('The delegation you were acting under has ended or was revoked');
  }
}

/** A page outside what the delegation a browser acts under allows. */
export class OutsidePowersError extends ForbiddenError {}

export default fp(authPlugin, { name: 'tessera-auth' });

/**
 * A delegation token's caller, decided from the database: the delegate's own session must hold,
 * the delegation must be live (not revoked or expired, MAC intact, both accounts active), and the
 * route must be one of the person's own that the delegation's powers open.
 * @throws UnauthenticatedError (401) when the session or delegation has ended; ForbiddenError
 *   (403) for a route outside the powers
 */
async function delegateActor(deps: Deps, claims: AccessClaims, delegable: DelegatePower | undefined, auth: AccountKind[]): Promise<Actor> {
  const delegateId = claims.act?.sub;
  if (typeof delegateId !== 'string' || typeof claims.did !== 'string') throw new UnauthenticatedError('The access token is invalid or expired');
  const row = await liveSession(deps, claims.sid, delegateId);
  if (!row) throw new UnauthenticatedError('The access token is no longer valid');
  const live = await liveDelegation(deps, claims.did, delegateId);
  if (!live || live.person.id !== claims.sub) throw new UnauthenticatedError('The delegation has ended or was revoked');
  if (!auth.includes('citizen') || !delegable) throw new ForbiddenError('A delegate cannot do this for the person');
  if (!live.delegation.powers.includes(delegable)) throw new ForbiddenError(`This needs the "${delegable}" power, which your delegation does not give`);
  const a = row.account;
  return {
    accountId: a.id,
    kind: a.kind,
    sessionId: row.sessionId,
    subjectId: a.subjectId,
    organisationId: a.organisationId,
    scopes: sessionScopes(row),
    onBehalfOf: { accountId: live.person.id, subjectId: live.delegation.subjectId, delegationId: live.delegation.id, powers: live.delegation.powers },
  };
}

/**
 * The one check of a session, from the database: it exists, belongs to the account, is neither
 * revoked nor expired, and its account is not disabled. Requests run it once; long-lived
 * channels (SSE, webhooks) run it again before every delivery.
 * @param accountId the account a token names; null for the web app's cookie, which names only its session
 * @returns the session and its account while they hold, else undefined
 */
export async function liveSession(deps: Deps, sessionId: string, accountId: string | null): Promise<AuthRow | undefined> {
  const row = await deps.storage.sessions.authLookup(sessionId);
  const now = deps.clock.now();
  if (!row || (accountId !== null && row.account.id !== accountId) || row.sessionRevokedAt !== null || row.sessionExpiresAt <= now || row.account.disabledAt !== null) {
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
