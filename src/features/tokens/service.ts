import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { verifyServiceJwt } from '../../crypto/jws.js';
import { verifyAgainstDummy, verifyPassword } from '../../crypto/passwords.js';
import { digestToken, randomToken } from '../../crypto/secrets.js';
import { OAuthError } from '../../errors.js';
import type { AccountRow } from '../../storage/contract.js';
import type { AccessClaims } from '../../plugins/auth.js';
import type { TokenRequest, TokenResponse } from './schemas.js';
import { checkAccount, checkAuthRow, signedSession } from '../../core/integrity.js';
import { formatScopes, parseScopes, ScopeError, scopeContextOf } from '../../core/smart-scopes.js';

/** What the token endpoint gives the service besides deps: the signer and the caller's IP. */
export interface TokenContext {
  sign: (claims: AccessClaims) => string;
  ip: string;
}

/** Absolute lifetime of a login, however often its refresh token is rotated. */
const SESSION_LIFETIME_MS = 90 * 24 * 3600 * 1000;

const invalidGrant = () => new OAuthError(400, 'invalid_grant', 'The credentials or refresh token are invalid, expired or revoked');

function required(req: TokenRequest, name: 'username' | 'password' | 'refresh_token'): string {
  const v = req[name];
  if (typeof v !== 'string' || v === '') throw new OAuthError(400, 'invalid_request', `Missing parameter ${name}`);
  return v;
}

/**
 * The scope a token request is granted (RFC 6749 §3.3): SMART scopes for practitioners
 * (`user/…`) and clients (`system/…`), normalised to v2 form; none when none was asked for.
 * @throws OAuthError invalid_scope for a malformed scope or an account kind that takes none
 */
export function grantedScope(kind: AccountRow['kind'], requested: string | undefined): string | null {
  if (requested === undefined || requested.trim() === '') return null;
  const context = scopeContextOf(kind);
  if (!context) throw new OAuthError(400, 'invalid_scope', `${kind} accounts take no scopes`);
  try {
    return formatScopes(parseScopes(requested, context), context);
  } catch (e) {
    if (e instanceof ScopeError) throw new OAuthError(400, 'invalid_scope', e.message);
    throw e;
  }
}

function accessToken(ctx: TokenContext, account: AccountRow, sessionId: string) {
  return ctx.sign({ sub: account.id, sid: sessionId, kind: account.kind });
}

/**
 * Checks a handle and password, as every password login does (the token endpoint and the web
 * app's login form). Unknown handle and wrong password get the same answer and take the same
 * time; failures are counted per handle and IP by the one login throttle.
 * @throws OAuthError 400 `invalid_grant`, or 429 while the throttle holds the pair or IP
 */
export async function checkPasswordLogin(deps: Deps, ip: string, username: string, password: string): Promise<AccountRow> {
  const handle = username.trim().toLowerCase();
  const wait = await deps.loginThrottle.retryAfter(handle, ip, deps.clock.now());
  if (wait > 0) {
    throw new OAuthError(429, 'invalid_request', `Too many failed logins; try again in ${wait} s`, { 'retry-after': String(wait) });
  }
  const account = await deps.storage.accounts.findByHandle(handle);
  // A password hash or kind edited in the database is refused before it is used.
  if (account) checkAccount(deps.keyring, account);
  const ok = account?.passwordHash ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDummy(password);
  if (!account || !ok || account.disabledAt !== null || account.kind === 'client') {
    await deps.loginThrottle.fail(handle, ip, deps.clock.now());
    throw invalidGrant();
  }
  await deps.loginThrottle.succeed(handle, ip);
  return account;
}

/**
 * Opens a login session: the row every later request is authenticated against, so revoking it
 * (logout, refresh replay, erasure) ends the login everywhere it is used.
 * @param id the session id (random for tokens; derived from the cookie secret for the web app)
 * @param refreshToken a refresh token to store hashed with it, if the session hands one out
 */
export async function openSession(deps: Deps, accountId: string, id: string, lifetimeMs: number, refreshToken?: string, scope: string | null = null): Promise<void> {
  const now = deps.clock.now();
  const expiresAt = now + lifetimeMs;
  await deps.storage.sessions.create(
    signedSession(deps.keyring, { id, accountId, createdAt: now, expiresAt, revokedAt: null, scope }),
    refreshToken ? { tokenHash: digestToken(refreshToken), expiresAt: Math.min(now + deps.config.refreshTokenTtlSeconds * 1000, expiresAt) } : null,
  );
}

/** RFC 6749 §4.3 password grant. */
export async function passwordGrant(deps: Deps, ctx: TokenContext, req: TokenRequest): Promise<TokenResponse> {
  const account = await checkPasswordLogin(deps, ctx.ip, required(req, 'username'), required(req, 'password'));
  const scope = grantedScope(account.kind, req.scope);
  const sessionId = randomUUID();
  const refreshToken = randomToken();
  await openSession(deps, account.id, sessionId, SESSION_LIFETIME_MS, refreshToken, scope);
  return {
    access_token: accessToken(ctx, account, sessionId),
    token_type: 'Bearer',
    expires_in: deps.config.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    ...(scope ? { scope } : {}),
  };
}

/** Ends a login session (the web app's logout): every later request presenting it is a 401. */
export async function endSession(deps: Deps, sessionId: string, reason: string): Promise<void> {
  await deps.storage.sessions.revoke(sessionId, reason, deps.clock.now());
}

/**
 * RFC 6749 §6 refresh, rotating the refresh token on every use. Presenting a spent token
 * revokes the whole session (OAuth 2.0 Security BCP, refresh token replay detection).
 */
export async function refreshGrant(deps: Deps, ctx: TokenContext, req: TokenRequest): Promise<TokenResponse> {
  const presented = required(req, 'refresh_token');
  const now = deps.clock.now();
  const next = randomToken();
  const outcome = await deps.storage.sessions.rotateRefresh(
    digestToken(presented),
    { tokenHash: digestToken(next), expiresAt: now + deps.config.refreshTokenTtlSeconds * 1000 },
    now,
  );
  if (outcome.kind !== 'rotated' || outcome.account.disabledAt !== null) throw invalidGrant();
  const { session, account } = outcome;
  // A refresh keeps the session's scopes (RFC 6749 §6): asking for others is refused, not granted.
  if (req.scope !== undefined && req.scope.trim() !== '' && grantedScope(account.kind, req.scope) !== session.scope) {
    throw new OAuthError(400, 'invalid_scope', 'A refresh keeps the scopes of the original grant; log in again for others');
  }
  checkAuthRow(deps.keyring, {
    sessionId: session.id,
    sessionCreatedAt: session.createdAt,
    sessionExpiresAt: session.expiresAt,
    sessionRevokedAt: session.revokedAt,
    sessionIntegrity: session.integrity,
    sessionScope: session.scope,
    account,
  });
  return {
    access_token: accessToken(ctx, outcome.account, outcome.session.id),
    token_type: 'Bearer',
    expires_in: deps.config.accessTokenTtlSeconds,
    refresh_token: next,
    ...(session.scope ? { scope: session.scope } : {}),
  };
}

/**
 * RFC 7009 revocation: a refresh token or an access token ends its whole session. Unknown or
 * invalid tokens are not an error (§2.2), so the answer reveals nothing.
 */
export async function revokeToken(deps: Deps, token: string): Promise<void> {
  const now = deps.clock.now();
  const session = await deps.storage.sessions.sessionOfRefresh(digestToken(token));
  if (session) {
    await deps.storage.sessions.revoke(session.id, 'revoked-by-client', now);
    return;
  }
  if (token.split('.').length !== 3) return;
  const claims = await verifyServiceJwt(deps.keyring, token, deps.config.publicUrl);
  if (typeof claims?.sid === 'string') await deps.storage.sessions.revoke(claims.sid, 'revoked-by-client', now);
}
