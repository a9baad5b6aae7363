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
 * RFC 6749 §4.3 password grant. Unknown handle and wrong password get the same answer and
 * take the same time; failures are counted per handle and IP.
 */
export async function passwordGrant(deps: Deps, ctx: TokenContext, req: TokenRequest): Promise<TokenResponse> {
  const handle = required(req, 'username').trim().toLowerCase();
  const password = required(req, 'password');
  const now = deps.clock.now();
  const wait = await deps.loginThrottle.retryAfter(handle, ctx.ip, now);
  if (wait > 0) {
    throw new OAuthError(429, 'invalid_request', `Too many failed logins; try again in ${wait} s`, { 'retry-after': String(wait) });
  }
  const account = await deps.storage.accounts.findByHandle(handle);
  // A password hash or kind edited in the database is refused before it is used.
  if (account) checkAccount(deps.keyring, account);
  const ok = account?.passwordHash ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDummy(password);
  if (!account || !ok || account.disabledAt !== null || account.kind === 'client') {
    await deps.loginThrottle.fail(handle, ctx.ip, deps.clock.now());
    throw invalidGrant();
  }
  await deps.loginThrottle.succeed(handle, ctx.ip);
  const scope = grantedScope(account.kind, req.scope);
  const sessionId = randomUUID();
  const refreshToken = randomToken();
  const sessionExpiresAt = now + SESSION_LIFETIME_MS;
  await deps.storage.sessions.create(
    signedSession(deps.keyring, { id: sessionId, accountId: account.id, createdAt: now, expiresAt: sessionExpiresAt, revokedAt: null, scope }),
    { tokenHash: digestToken(refreshToken), expiresAt: Math.min(now + deps.config.refreshTokenTtlSeconds * 1000, sessionExpiresAt) },
  );
  return {
    access_token: accessToken(ctx, account, sessionId),
    token_type: 'Bearer',
    expires_in: deps.config.accessTokenTtlSeconds,
    refresh_token: refreshToken,
    ...(scope ? { scope } : {}),
  };
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
