import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { ASSERTION_CLOCK_TOLERANCE_S, peekAssertion, verifyAssertion } from '../../crypto/client-keys.js';
import { OAuthError } from '../../errors.js';
import type { TokenResponse } from './schemas.js';
import { grantedScope, type TokenContext } from './service.js';
import { checkAccount, signedSession } from '../../core/integrity.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 300;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidClient = (why: string) => new OAuthError(401, 'invalid_client', `Client authentication failed: ${why}`);

/**
 * RFC 6749 §4.4 client credentials with RFC 7523 `private_key_jwt`: the assertion must be signed
 * by one of the client's registered keys, name the client as `iss` and `sub`, be addressed to the
 * token URL or the issuer, expire within 5 minutes, and carry a `jti` never seen before.
 */
export async function clientCredentialsGrant(deps: Deps, ctx: TokenContext, body: Record<string, unknown>): Promise<TokenResponse> {
  if (body.client_assertion_type !== JWT_BEARER) {
    throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
  }
  const assertion = body.client_assertion;
  if (typeof assertion !== 'string' || assertion === '') throw new OAuthError(400, 'invalid_request', 'Missing parameter client_assertion');
  const claims = peekAssertion(assertion);
  const clientId = claims?.iss;
  if (!clientId || !uuid.test(clientId)) throw invalidClient('the assertion does not name a client');
  if (body.client_id !== undefined && body.client_id !== clientId) throw invalidClient('client_id differs from the assertion');
  const client = await deps.storage.accounts.findById(clientId);
  if (!client || client.kind !== 'client' || client.disabledAt !== null || !client.jwks) throw invalidClient('unknown or disabled client');
  // The registered keys decide who this client is: an edited JWKS is refused, not trusted.
  checkAccount(deps.keyring, client);

  const now = deps.clock.now();
  const tokenUrl = `${deps.config.publicUrl}/v1/token`;
  const checked = await verifyAssertion(client.jwks, assertion, {
    clientId,
    audiences: [tokenUrl, deps.config.publicUrl],
    now,
    maxLifetimeSeconds: MAX_ASSERTION_LIFETIME_S,
  });
  if ('reason' in checked) throw invalidClient(checked.reason);
  // Kept until the last moment verification would still accept it: exp plus the clock tolerance.
  const acceptableUntil = (checked.exp + ASSERTION_CLOCK_TOLERANCE_S) * 1000;
  if (!(await deps.storage.assertions.remember(clientId, checked.jti, acceptableUntil, now))) {
    throw invalidClient('this assertion (jti) was already used');
  }
  const scope = grantedScope('client', typeof body.scope === 'string' ? body.scope : undefined);
  const sessionId = randomUUID();
  await deps.storage.sessions.create(
    signedSession(deps.keyring, { id: sessionId, accountId: client.id, createdAt: now, expiresAt: now + deps.config.accessTokenTtlSeconds * 1000, revokedAt: null, scope }),
    null,
  );
  return {
    access_token: ctx.sign({ sub: client.id, sid: sessionId, kind: 'client' }),
    token_type: 'Bearer',
    expires_in: deps.config.accessTokenTtlSeconds,
    ...(scope ? { scope } : {}),
  };
}
