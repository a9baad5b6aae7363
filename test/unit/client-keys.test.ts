import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertionAlgorithms, checkClientJwks, peekAssertion, verifyAssertion } from '../../src/crypto/client-keys.js';

let ed: { publicJwk: JWK; privateKey: CryptoKey; privateJwk: JWK };
let ec: { publicJwk: JWK; privateKey: CryptoKey };

beforeAll(async () => {
  const e = await generateKeyPair('EdDSA', { extractable: true });
  ed = { publicJwk: await exportJWK(e.publicKey), privateKey: e.privateKey, privateJwk: await exportJWK(e.privateKey) };
  const p = await generateKeyPair('ES256', { extractable: true });
  ec = { publicJwk: await exportJWK(p.publicKey), privateKey: p.privateKey };
});

describe('checkClientJwks', () => {
  it('keeps the public members of Ed25519 and P-256 keys, with their kids', async () => {
    const res = await checkClientJwks({ keys: [{ ...ed.publicJwk, kid: 'a', alg: 'EdDSA', use: 'sig' }, { ...ec.publicJwk, kid: 'b', alg: 'ES256' }] });
    expect(res).toEqual({
      keys: [
        { kty: 'OKP', crv: 'Ed25519', x: ed.publicJwk.x, kid: 'a' },
        { kty: 'EC', crv: 'P-256', x: ec.publicJwk.x, y: ec.publicJwk.y, kid: 'b' },
      ],
    });
  });

  it('accepts keys without kid or alg, storing no kid', async () => {
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk }] })).toEqual({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: ed.publicJwk.x }] });
    expect(await checkClientJwks({ keys: [{ ...ec.publicJwk }] })).toEqual({ keys: [{ kty: 'EC', crv: 'P-256', x: ec.publicJwk.x, y: ec.publicJwk.y }] });
    const stored = await checkClientJwks({ keys: [{ ...ed.publicJwk }] });
    expect('keys' in stored && Object.keys(stored.keys[0]!)).toEqual(['kty', 'crv', 'x']);
  });

  it('holds 1 to 10 keys', async () => {
    const sizeProblem = { field: 'jwks.keys', detail: 'must hold 1 to 10 keys' };
    expect(await checkClientJwks({ keys: [] })).toEqual(sizeProblem);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ ...ed.publicJwk, kid: `k${i}` }));
    expect(await checkClientJwks({ keys: many(11) })).toEqual(sizeProblem);
    const ten = await checkClientJwks({ keys: many(10) });
    expect('keys' in ten && ten.keys).toHaveLength(10);
  });

  it('refuses any private member, naming the key', async () => {
    const detail = 'must be a public key: private key members are never sent';
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk }, { ...ed.privateJwk }] })).toEqual({ field: 'jwks.keys.1', detail });
    for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth']) {
      expect(await checkClientJwks({ keys: [{ ...ed.publicJwk, [m]: 'AAAA' }] }), m).toEqual({ field: 'jwks.keys.0', detail });
    }
  });

  it('refuses key types and curves other than OKP/Ed25519 and EC/P-256', async () => {
    const detail = 'must be an Ed25519 (OKP) or P-256 (EC) key';
    for (const k of [
      { ...ed.publicJwk, crv: 'X25519' },
      { ...ed.publicJwk, kty: 'EC' },
      { ...ec.publicJwk, crv: 'P-384' },
      { ...ec.publicJwk, kty: 'OKP' },
      { kty: 'RSA', n: 'AQAB', e: 'AQAB' },
    ]) {
      expect(await checkClientJwks({ keys: [k] }), JSON.stringify(k)).toEqual({ field: 'jwks.keys.0', detail });
    }
  });

  it('refuses an alg that does not fit the key, but takes Ed25519 as a name for EdDSA', async () => {
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk, alg: 'ES256' }] })).toEqual({ field: 'jwks.keys.0.alg', detail: 'must be EdDSA for this key' });
    expect(await checkClientJwks({ keys: [{ ...ec.publicJwk, alg: 'EdDSA' }] })).toEqual({ field: 'jwks.keys.0.alg', detail: 'must be ES256 for this key' });
    expect(await checkClientJwks({ keys: [{ ...ec.publicJwk, alg: 'Ed25519' }] })).toEqual({ field: 'jwks.keys.0.alg', detail: 'must be ES256 for this key' });
    expect('keys' in (await checkClientJwks({ keys: [{ ...ed.publicJwk, alg: 'Ed25519' }] }))).toBe(true);
  });

  it('needs kids to be strings of at most 128 characters, each used once', async () => {
    const kidProblem = { field: 'jwks.keys.0.kid', detail: 'must be a string of at most 128 characters' };
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk, kid: 7 }] })).toEqual(kidProblem);
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk, kid: 'k'.repeat(129) }] })).toEqual(kidProblem);
    const long = await checkClientJwks({ keys: [{ ...ed.publicJwk, kid: 'k'.repeat(128) }] });
    expect('keys' in long && long.keys[0]!.kid).toBe('k'.repeat(128));
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk, kid: 'same' }, { ...ec.publicJwk, kid: 'other' }, { ...ec.publicJwk, kid: 'same' }] })).toEqual({
      field: 'jwks.keys.2.kid',
      detail: 'is used by another key',
    });
  });

  it('refuses coordinates that are not a key', async () => {
    expect(await checkClientJwks({ keys: [{ ...ed.publicJwk }, { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }] })).toEqual({ field: 'jwks.keys.1', detail: 'is not a valid public key' });
    expect(await checkClientJwks({ keys: [{ kty: 'EC', crv: 'P-256', x: ec.publicJwk.x }] })).toEqual({ field: 'jwks.keys.0', detail: 'is not a valid public key' });
  });
});

describe('peekAssertion', () => {
  it('reads iss and sub without checking the signature', async () => {
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('client-1').setSubject('client-2').sign(ed.privateKey);
    expect(peekAssertion(jwt)).toEqual({ iss: 'client-1', sub: 'client-2' });
  });

  it('leaves out claims that are missing or not strings', () => {
    expect(peekAssertion(new UnsecuredJWT({ iss: 5 } as unknown as JWTPayload).encode())).toEqual({});
    expect(peekAssertion(new UnsecuredJWT({ sub: 'only-sub' }).encode())).toEqual({ sub: 'only-sub' });
    expect(peekAssertion(new UnsecuredJWT({ iss: 'only-iss', sub: ['x'] } as unknown as JWTPayload).encode())).toEqual({ iss: 'only-iss' });
  });

  it('answers undefined for text that is not a JWT', () => {
    expect(peekAssertion('not.a.jwt')).toBeUndefined();
    expect(peekAssertion('')).toBeUndefined();
  });
});

describe('verifyAssertion', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  const nowS = now / 1000;
  const audience = 'https://tessera.example/v1/token';
  const expect_ = { clientId: 'client-1', audiences: [audience, 'https://tessera.example'], now, maxLifetimeSeconds: 300 };
  let jwks: string;

  beforeAll(async () => {
    jwks = JSON.stringify({ keys: [{ ...ed.publicJwk, kid: 'ed' }, { ...ec.publicJwk, kid: 'ec' }] });
  });

  type Claims = { iss?: string; sub?: string; aud?: string; exp?: number; jti?: unknown; iat?: number };
  const sign = (claims: Claims, alg: 'EdDSA' | 'ES256' | 'Ed25519' = 'EdDSA', key?: CryptoKey) =>
    new SignJWT({ iss: 'client-1', sub: 'client-1', aud: audience, exp: nowS + 120, jti: 'j-1', ...claims } as Record<string, unknown>)
      .setProtectedHeader({ alg })
      .sign(key ?? (alg === 'ES256' ? ec.privateKey : ed.privateKey));

  it('accepts a good assertion signed by a registered key and answers its jti and exp', async () => {
    expect(await verifyAssertion(jwks, await sign({}), expect_)).toEqual({ jti: 'j-1', exp: nowS + 120 });
    expect(await verifyAssertion(jwks, await sign({ aud: 'https://tessera.example' }, 'ES256'), expect_)).toEqual({ jti: 'j-1', exp: nowS + 120 });
  });

  it('accepts the algorithm names it lists: EdDSA, Ed25519 and ES256', async () => {
    expect([...assertionAlgorithms]).toEqual(['EdDSA', 'Ed25519', 'ES256']);
    expect(await verifyAssertion(jwks, await sign({}, 'Ed25519'), expect_)).toMatchObject({ jti: 'j-1' });
  });

  it('refuses another issuer or subject, another audience, and a key it does not hold, with jose’s reason code', async () => {
    expect(await verifyAssertion(jwks, await sign({ iss: 'client-2' }), expect_)).toEqual({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await verifyAssertion(jwks, await sign({ sub: 'client-2' }), expect_)).toEqual({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await verifyAssertion(jwks, await sign({ aud: 'https://elsewhere.example' }), expect_)).toEqual({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    const stranger = (await generateKeyPair('EdDSA')).privateKey;
    expect(await verifyAssertion(jwks, await sign({}, 'EdDSA', stranger), expect_)).toEqual({ reason: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('refuses an assertion with no exp or no jti', async () => {
    expect(await verifyAssertion(jwks, await sign({ exp: undefined }), expect_)).toEqual({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
    expect(await verifyAssertion(jwks, await sign({ jti: undefined }), expect_)).toEqual({ reason: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  });

  it('judges expiry at the time it is told, with 30 seconds of tolerance', async () => {
    expect(await verifyAssertion(jwks, await sign({ exp: nowS - 29 }), expect_)).toMatchObject({ jti: 'j-1' });
    expect(await verifyAssertion(jwks, await sign({ exp: nowS - 31 }), expect_)).toEqual({ reason: 'ERR_JWT_EXPIRED' });
    expect(await verifyAssertion(jwks, await sign({ iat: nowS + 10 }), expect_)).toMatchObject({ jti: 'j-1' });
  });

  it('refuses an assertion living longer than allowed; exactly the limit is fine', async () => {
    expect(await verifyAssertion(jwks, await sign({ exp: nowS + 300 }), expect_)).toMatchObject({ exp: nowS + 300 });
    expect(await verifyAssertion(jwks, await sign({ exp: nowS + 301 }), expect_)).toEqual({ reason: 'exp must be at most 300 s away' });
    // Seconds are counted from the whole second now falls in.
    expect(await verifyAssertion(jwks, await sign({ exp: nowS + 300 }), { ...expect_, now: now + 999 })).toMatchObject({ exp: nowS + 300 });
  });

  it('needs the jti to be a non-empty string of at most 256 characters', async () => {
    for (const jti of ['', 'j'.repeat(257), 42]) {
      expect(await verifyAssertion(jwks, await sign({ jti }), expect_), String(jti)).toEqual({ reason: 'jti must be a string' });
    }
    expect(await verifyAssertion(jwks, await sign({ jti: 'j'.repeat(256) }), expect_)).toEqual({ jti: 'j'.repeat(256), exp: nowS + 120 });
  });

  it('refuses an unsigned token and other algorithms', async () => {
    expect(await verifyAssertion(jwks, new UnsecuredJWT({ iss: 'client-1', sub: 'client-1', aud: audience, exp: nowS + 60, jti: 'x' }).encode(), expect_)).toHaveProperty('reason');
    const hs = await new SignJWT({ iss: 'client-1', sub: 'client-1', aud: audience, exp: nowS + 60, jti: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new Uint8Array(32));
    expect(await verifyAssertion(jwks, hs, expect_)).toEqual({ reason: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });
});
