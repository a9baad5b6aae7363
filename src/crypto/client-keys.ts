import { createLocalJWKSet, decodeJwt, importJWK, jwtVerify, type JWK } from 'jose';

/**
 * Provider systems authenticate with `private_key_jwt` (RFC 7523, as SMART Backend Services):
 * they register public keys, then sign short-lived assertions with the private halves.
 */

// 'Ed25519' is the fully specified name for EdDSA over Ed25519 (RFC 9864); current libraries send it.
export const assertionAlgorithms = ['EdDSA', 'Ed25519', 'ES256'] as const;

const privateMembers = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/**
 * Clock skew allowed on `exp`, `nbf` and `iat`. An assertion is accepted up to this long after
 * its `exp`, so its `jti` must be remembered at least that long (see the assertions repo).
 */
export const ASSERTION_CLOCK_TOLERANCE_S = 30;

/**
 * Checks a client's JWKS: 1–10 public Ed25519 or P-256 keys, distinct kids.
 * @returns the keys as stored (public members only), or a problem naming the key
 */
export async function checkClientJwks(jwks: { keys: Record<string, unknown>[] }): Promise<{ keys: JWK[] } | { field: string; detail: string }> {
  if (jwks.keys.length < 1 || jwks.keys.length > 10) return { field: 'jwks.keys', detail: 'must hold 1 to 10 keys' };
  const kids = new Set<string>();
  const keys: JWK[] = [];
  for (const [i, k] of jwks.keys.entries()) {
    const field = `jwks.keys.${i}`;
    if (privateMembers.some((m) => m in k)) return { field, detail: 'must be a public key: private key members are never sent' };
    const ed = k.kty === 'OKP' && k.crv === 'Ed25519';
    const ec = k.kty === 'EC' && k.crv === 'P-256';
    if (!ed && !ec) return { field, detail: 'must be an Ed25519 (OKP) or P-256 (EC) key' };
    const alg = ed ? 'EdDSA' : 'ES256';
    if (k.alg !== undefined && k.alg !== alg && !(ed && k.alg === 'Ed25519')) return { field: `${field}.alg`, detail: `must be ${alg} for this key` };
    if (k.kid !== undefined) {
      if (typeof k.kid !== 'string' || k.kid.length > 128) return { field: `${field}.kid`, detail: 'must be a string of at most 128 characters' };
      if (kids.has(k.kid)) return { field: `${field}.kid`, detail: 'is used by another key' };
      kids.add(k.kid);
    }
    const pub: JWK = ed ? { kty: 'OKP', crv: 'Ed25519', x: k.x as string } : { kty: 'EC', crv: 'P-256', x: k.x as string, y: k.y as string };
    if (typeof k.kid === 'string') pub.kid = k.kid;
    try {
      await importJWK(pub, alg);
    } catch {
      return { field, detail: 'is not a valid public key' };
    }
    keys.push(pub);
  }
  return { keys };
}

/** @returns the unverified `iss` and `sub` of an assertion, to find its client; undefined if unreadable */
export function peekAssertion(assertion: string): { iss?: string; sub?: string } | undefined {
  try {
    const c = decodeJwt(assertion);
    return { ...(typeof c.iss === 'string' ? { iss: c.iss } : {}), ...(typeof c.sub === 'string' ? { sub: c.sub } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Verifies a client assertion against the client's registered keys.
 * @returns its `jti` and `exp` (seconds), or the reason it is refused
 */
export async function verifyAssertion(
  jwksJson: string,
  assertion: string,
  expect: { clientId: string; audiences: string[]; now: number; maxLifetimeSeconds: number },
): Promise<{ jti: string; exp: number } | { reason: string }> {
  const jwks = createLocalJWKSet(JSON.parse(jwksJson) as { keys: JWK[] });
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, jwks, {
      issuer: expect.clientId,
      subject: expect.clientId,
      audience: expect.audiences,
      algorithms: [...assertionAlgorithms],
      requiredClaims: ['exp', 'jti'],
      currentDate: new Date(expect.now),
      clockTolerance: ASSERTION_CLOCK_TOLERANCE_S,
    }));
  } catch (e) {
    return { reason: (e as { code?: string }).code ?? 'invalid assertion' };
  }
  const nowSeconds = Math.floor(expect.now / 1000);
  if (payload.exp! - nowSeconds > expect.maxLifetimeSeconds) return { reason: `exp must be at most ${expect.maxLifetimeSeconds} s away` };
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) return { reason: 'jti must be a string' };
  return { jti: payload.jti, exp: payload.exp! };
}
