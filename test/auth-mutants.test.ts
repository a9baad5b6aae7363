import { macOf } from '../src/core/integrity.js';
import Fastify from 'fastify';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importPKCS8, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSigningKey, type KeysFile } from '../src/crypto/keyring.js';
import authPlugin, { actorOf } from '../src/plugins/auth.js';
import { bearer, login, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

/**
 * Authentication edge cases (src/plugins/auth.ts), written to kill mutants the access matrix
 * left alive (docs/mutation.md): what a token must carry, how the header is read, the session
 * checks at their boundaries, signing after a key rotation, and deny-by-default at boot.
 */

let t: TestApp;
let alice: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  alice = await signUpCitizen(t.app);
});
afterAll(() => t.close());

const me = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/v1/me', headers });

/** A token signed with the service's own key; claims default to a valid one for alice's session. */
async function serviceToken(claims: JWTPayload, options: { kid?: string | null; omit?: string[] } = {}): Promise<string> {
  const real = decodeJwt(alice.token);
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { sub: real.sub, sid: real.sid, kind: 'citizen', iss: t.config.publicUrl, aud: t.config.publicUrl, iat: now, exp: now + 600, ...claims };
  for (const k of options.omit ?? []) delete payload[k];
  const kid = options.kid === undefined ? t.keyring.signing.kid : options.kid;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', ...(kid === null ? {} : { kid }) })
    .sign(await importPKCS8(t.keyring.signing.privatePem, 'EdDSA'));
}

async function expect401(headers: Record<string, string>, detail: string) {
  const res = await me(headers);
  expect(res.statusCode, res.body).toBe(401);
  expect(res.json().detail).toBe(detail);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="tessera"');
}

describe('what an access token must carry', () => {
  it('a token built here the way the service builds them is accepted (the baseline for the cases below)', async () => {
    const res = await me(bearer(await serviceToken({})));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().accountId).toBe(alice.accountId);
  });

  it('refuses a token for another issuer or audience, though signed by the service key', async () => {
    await expect401(bearer(await serviceToken({ iss: 'https://elsewhere.example' })), 'The access token is invalid or expired');
    await expect401(bearer(await serviceToken({ aud: 'https://elsewhere.example' })), 'The access token is invalid or expired');
  });

  it('refuses a token with no exp, no iat, no sid or no sub', async () => {
    for (const claim of ['exp', 'iat', 'sid', 'sub']) {
      const res = await me(bearer(await serviceToken({}, { omit: [claim] })));
      expect(res.statusCode, claim).toBe(401);
    }
  });

  it('refuses a token naming no key or a key the service does not have', async () => {
    await expect401(bearer(await serviceToken({}, { kid: null })), 'The access token is invalid or expired');
    await expect401(bearer(await serviceToken({}, { kid: 'sig-unknown' })), 'The access token is invalid or expired');
  });

  it('refuses a token signed by another key under the service’s kid', async () => {
    const { privateKey } = await generateKeyPair('EdDSA');
    const real = decodeJwt(alice.token);
    const forged = await new SignJWT({ ...real }).setProtectedHeader({ alg: 'EdDSA', kid: t.keyring.signing.kid }).sign(privateKey);
    await expect401(bearer(forged), 'The access token is invalid or expired');
  });

  it('refuses an HS256 token keyed with the service’s public key (algorithm confusion)', async () => {
    const real = decodeJwt(alice.token);
    const hs = await new SignJWT({ ...real })
      .setProtectedHeader({ alg: 'HS256', kid: t.keyring.signing.kid })
      .sign(new TextEncoder().encode(t.keyring.signing.publicPem));
    await expect401(bearer(hs), 'The access token is invalid or expired');
  });

  it('refuses a token whose subject is not the account of its session', async () => {
    const bob = await signUpCitizen(t.app);
    await expect401(bearer(await serviceToken({ sub: bob.accountId })), 'The access token is no longer valid');
  });
});

describe('the Authorization header', () => {
  it('takes the Bearer scheme in any case (RFC 7235: schemes are case-insensitive)', async () => {
    expect((await me({ authorization: `bearer ${alice.token}` })).statusCode).toBe(200);
    expect((await me({ authorization: `BEARER ${alice.token}` })).statusCode).toBe(200);
  });

  it('asks for a token when there is none, or another scheme, or no token after Bearer', async () => {
    await expect401({}, 'A valid access token is required');
    await expect401({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'A valid access token is required');
    await expect401({ authorization: 'Bearer' }, 'A valid access token is required');
    await expect401({ authorization: 'Bearer ' }, 'A valid access token is required');
    await expect401({ authorization: `xBearer ${alice.token}` }, 'A valid access token is required');
    await expect401({ authorization: `Bearer ${alice.token} extra` }, 'A valid access token is required');
  });
});

describe('the session behind a token', () => {
  it('a token stops at its session’s expiry on the service clock, not a millisecond later', async () => {
    const c = await signUpCitizen(t.app);
    const { sid } = decodeJwt(c.token) as { sid: string };
    const fixed = Date.now() + 60_000;
    // Moved as the service would: with the session's MAC made anew (docs/security.md).
    const setExpiry = (expiresAt: number) => {
      const s = t.sqlite().db.$client.prepare('SELECT account_id, created_at FROM sessions WHERE id = ?').get(sid) as { account_id: string; created_at: number };
      const integrity = macOf.session(t.keyring, { id: sid, accountId: s.account_id, createdAt: s.created_at, expiresAt });
      t.sqlite().db.$client.prepare('UPDATE sessions SET expires_at = ?, integrity = ? WHERE id = ?').run(expiresAt, integrity, sid);
    };
    setExpiry(fixed + 1);
    const realNow = t.clock.now.bind(t.clock);
    t.clock.now = () => fixed;
    try {
      expect((await me(bearer(c.token))).statusCode).toBe(200);
      setExpiry(fixed);
      await expect401(bearer(c.token), 'The access token is no longer valid');
    } finally {
      t.clock.now = realNow;
    }
  });

  it('a revoked session’s access token stops on the next request', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(bearer(c.token))).statusCode).toBe(200);
    const res = await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: c.refreshToken } });
    expect(res.statusCode).toBe(200);
    await expect401(bearer(c.token), 'The access token is no longer valid');
  });

  it('a disabled account’s token stops on the next request', async () => {
    const c = await signUpCitizen(t.app);
    t.sqlite().db.$client.prepare('UPDATE accounts SET disabled_at = ? WHERE id = ?').run(Date.now(), c.accountId);
    await expect401(bearer(c.token), 'The access token is no longer valid');
  });
});

describe('who may call a route', () => {
  it('refuses an account of a kind the route does not list, naming the kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/organisations', headers: bearer(alice.token) });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toBe('This endpoint is not for citizen accounts');
  });

  it('the caller a route sees is the token’s account, from the database', async () => {
    const res = await me(bearer(alice.token));
    expect(res.json()).toMatchObject({ accountId: alice.accountId, kind: 'citizen', subjectId: alice.subjectId, organisationId: null });
  });

  it('a public route needs no token; an unknown path is a 404, not a 401', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/catalogue/categories' })).statusCode).toBe(200);
    const missing = await t.app.inject({ method: 'GET', url: '/v1/no-such-route' });
    expect(missing.statusCode).toBe(404);
  });

  it('the API docs are public', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const ui = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(ui.statusCode).toBeLessThan(400);
  });

  it('answers are no-store unless a route says otherwise: public, authenticated, refused or not found', async () => {
    for (const res of [
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await me(bearer(alice.token)),
      await me(),
      await t.app.inject({ method: 'GET', url: '/v1/no-such-route' }),
    ]) {
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('signing after a key rotation', () => {
  it('new tokens are signed with the new current key; tokens of the old key keep working', async () => {
    const file = t.keysFile;
    const next = newSigningKey();
    const rotated: KeysFile = { ...file, currentSigningKey: next.kid, signingKeys: [...file.signingKeys, next] };
    const before = alice.token;
    t.keyring.update(rotated);
    try {
      const { token } = await login(t.app, alice.handle, alice.password);
      expect(decodeProtectedHeader(token).kid).toBe(next.kid);
      expect((await me(bearer(token))).statusCode).toBe(200);
      expect((await me(bearer(before))).statusCode).toBe(200);
    } finally {
      t.keyring.update(file);
    }
    // Back on the first key: it signs again, under its own kid.
    const { token } = await login(t.app, alice.handle, alice.password);
    expect(decodeProtectedHeader(token).kid).toBe(file.currentSigningKey);
  });
});

describe('deny by default', () => {
  async function bareApp() {
    const app = Fastify();
    await app.register(authPlugin, t.deps);
    return app;
  }

  it('a route that declares no auth stops the service at boot', async () => {
    const app = await bareApp();
    expect(() => app.get('/v1/forgotten', async () => ({ ok: true }))).toThrow('route GET /v1/forgotten declares no auth: deny by default');
    await app.close();
  });

  it('a public route that asks for the caller gets a 401, never a null caller', async () => {
    const app = await bareApp();
    app.get('/v1/public', { config: { auth: 'public' } }, async (request) => actorOf(request));
    const res = await app.inject({ method: 'GET', url: '/v1/public' });
    expect(res.statusCode).toBe(401);
    await app.close();
  });
});
