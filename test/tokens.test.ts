import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, login, signUpCitizen, strongPassword, uniqueHandle, type Citizen } from './helpers/actors.js';
import { buildTestApp, defaultLoginLimits, type TestApp } from './helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const token = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/token', payload });
const tokenForm = (form: Record<string, string>) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
const revoke = (tok: string) => t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: tok } });
const me = (accessToken: string) => t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(accessToken) });

function expectTokenResponse(res: Awaited<ReturnType<typeof token>>) {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(typeof body.access_token).toBe('string');
  expect(body.token_type).toBe('Bearer');
  expect(Number.isInteger(body.expires_in)).toBe(true);
  expect(body.expires_in).toBeGreaterThan(0);
  expect(body.expires_in).toBeLessThanOrEqual(900);
  expect(typeof body.refresh_token).toBe('string');
  expect(body.refresh_token.length).toBeGreaterThanOrEqual(32);
  return body as { access_token: string; refresh_token: string; expires_in: number };
}

describe('password grant', () => {
  let alice: Citizen;
  beforeAll(async () => {
    alice = await signUpCitizen(t.app);
  });

  it('issues tokens for a JSON body', async () => {
    const body = expectTokenResponse(await token({ grant_type: 'password', username: alice.handle, password: strongPassword }));
    expect((await me(body.access_token)).statusCode).toBe(200);
  });

  it('issues tokens for a form body (RFC 6749 §4.3.2)', async () => {
    const body = expectTokenResponse(await tokenForm({ grant_type: 'password', username: alice.handle, password: strongPassword }));
    expect((await me(body.access_token)).json().accountId).toBe(alice.accountId);
  });

  it('signs an EdDSA JWT of at most 15 minutes whose kid is published in the JWKS and which verifies against it', async () => {
    const body = expectTokenResponse(await token({ grant_type: 'password', username: alice.handle, password: strongPassword }));
    const header = decodeProtectedHeader(body.access_token);
    expect(header.alg).toBe('EdDSA');
    expect(typeof header.kid).toBe('string');

    const jwksRes = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(jwksRes.statusCode).toBe(200);
    const jwks = jwksRes.json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
    for (const k of jwks.keys) expect(k).not.toHaveProperty('d');

    const claims = decodeJwt(body.access_token);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    expect(claims.exp! - claims.iat!).toBe(body.expires_in);

    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: t.config.publicUrl,
      audience: t.config.publicUrl,
      algorithms: ['EdDSA'],
    });
    expect(payload.sub).toBe(alice.accountId);
  });

  it('answers a wrong password and an unknown handle with the identical invalid_grant body', async () => {
    const wrong = await token({ grant_type: 'password', username: alice.handle, password: 'not the right password at all' });
    const unknown = await token({ grant_type: 'password', username: uniqueHandle('nobody'), password: strongPassword });
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(wrong.json().error).toBe('invalid_grant');
    expect(typeof wrong.json().error_description).toBe('string');
    expect(unknown.body).toBe(wrong.body);
    expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
    expect(wrong.headers['cache-control']).toBe('no-store');
  });

  it('a missing username is invalid_request', async () => {
    const res = await token({ grant_type: 'password', password: strongPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_request');
  });

  it('a missing grant_type is invalid_request', async () => {
    const res = await token({ username: alice.handle, password: strongPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_request');
  });

  it('an unsupported grant_type is unsupported_grant_type', async () => {
    const res = await token({ grant_type: 'authorization_code', code: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('unsupported_grant_type');
  });

  it('a disabled account cannot log in, and its live access token stops working', async () => {
    const bob = await signUpCitizen(t.app);
    t.sqlite().db.$client.prepare('UPDATE accounts SET disabled_at = ? WHERE id = ?').run(Date.now(), bob.accountId);
    const res = await token({ grant_type: 'password', username: bob.handle, password: strongPassword });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_grant');
    expect((await me(bob.token)).statusCode).toBe(401);
    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: bob.refreshToken });
    expect(refreshed.json().error).toBe('invalid_grant');
  });
});

describe('refresh tokens', () => {
  it('rotate: the new refresh token works and the old one is spent', async () => {
    const c = await signUpCitizen(t.app);
    const first = expectTokenResponse(await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken }));
    expect(first.refresh_token).not.toBe(c.refreshToken);
    expect((await me(first.access_token)).statusCode).toBe(200);
    const second = expectTokenResponse(await tokenForm({ grant_type: 'refresh_token', refresh_token: first.refresh_token }));
    expect((await me(second.access_token)).json().accountId).toBe(c.accountId);
  });

  it('replaying a spent refresh token is invalid_grant and revokes the whole family', async () => {
    const c = await signUpCitizen(t.app);
    const rotated = expectTokenResponse(await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken }));
    const newest = expectTokenResponse(await token({ grant_type: 'refresh_token', refresh_token: rotated.refresh_token }));
    expect((await me(newest.access_token)).statusCode).toBe(200);

    const replay = await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().error).toBe('invalid_grant');

    const afterReplay = await token({ grant_type: 'refresh_token', refresh_token: newest.refresh_token });
    expect(afterReplay.statusCode).toBe(400);
    expect(afterReplay.json().error).toBe('invalid_grant');
    expect((await me(newest.access_token)).statusCode).toBe(401);
    expect((await me(c.token)).statusCode).toBe(401);
  });

  it('a replay does not touch the same person’s other sessions', async () => {
    const c = await signUpCitizen(t.app);
    const other = await login(t.app, c.handle, strongPassword);
    await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken });
    await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken });
    expect((await me(c.token)).statusCode).toBe(401);
    expect((await me(other.token)).statusCode).toBe(200);
  });

  it('an unknown refresh token is invalid_grant', async () => {
    const res = await token({ grant_type: 'refresh_token', refresh_token: 'x'.repeat(43) });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_grant');
  });

  it('a missing refresh_token is invalid_request', async () => {
    const res = await token({ grant_type: 'refresh_token' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_request');
  });
});

describe('revocation (RFC 7009)', () => {
  it('revoking a refresh token ends its session: the access token is a 401 on the next request', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(c.token)).statusCode).toBe(200);
    const res = await revoke(c.refreshToken);
    expect(res.statusCode).toBe(200);
    expect((await me(c.token)).statusCode).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken })).json().error).toBe('invalid_grant');
  });

  it('revoking an access token ends its session, refresh token included', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(c.token)).statusCode).toBe(200);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/token/revoke',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: c.token, token_type_hint: 'access_token' }).toString(),
    });
    expect(res.statusCode).toBe(200);
    expect((await me(c.token)).statusCode).toBe(401);
    expect((await token({ grant_type: 'refresh_token', refresh_token: c.refreshToken })).json().error).toBe('invalid_grant');
  });

  it.each([['random text', 'not-a-token'], ['a JWT-shaped string', 'aaa.bbb.ccc'], ['an empty string', '']])(
    'revoking %s is still a 200',
    async (_why, garbage) => {
      const res = await revoke(garbage);
      expect(res.statusCode).toBe(200);
    },
  );
});

describe('access-token checks and expiry', () => {
  it('an access token past its exp is a 401', async () => {
    const c = await signUpCitizen(t.app);
    const sid = decodeJwt(c.token).sid as string;
    const now = Math.floor(Date.now() / 1000);
    // A token this service really signed, with a live session, that expired a minute ago.
    const expired = await new SignJWT({ sid, kind: 'citizen' })
      .setProtectedHeader({ alg: 'EdDSA', kid: t.keyring.signing.kid })
      .setSubject(c.accountId)
      .setIssuer(t.config.publicUrl)
      .setAudience(t.config.publicUrl)
      .setIssuedAt(now - 960)
      .setExpirationTime(now - 60)
      .sign(t.keyring.signing.privateKey);
    const res = await me(expired);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await me(c.token)).statusCode).toBe(200);
  });

  it('a token signed by a key not in the JWKS is a 401', async () => {
    const c = await signUpCitizen(t.app);
    const other = await buildTestApp();
    try {
      const forged = await new SignJWT({ sid: decodeJwt(c.token).sid as string, kind: 'citizen' })
        .setProtectedHeader({ alg: 'EdDSA', kid: t.keyring.signing.kid })
        .setSubject(c.accountId)
        .setIssuer(t.config.publicUrl)
        .setAudience(t.config.publicUrl)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(other.keyring.signing.privateKey);
      expect((await me(forged)).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  async function signed(c: Citizen, edit: (jwt: SignJWT) => SignJWT, claims: Record<string, unknown> = {}, kid = t.keyring.signing.kid): Promise<string> {
    const jwt = new SignJWT({ sid: decodeJwt(c.token).sid as string, kind: 'citizen', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject(c.accountId)
      .setIssuer(t.config.publicUrl)
      .setAudience(t.config.publicUrl)
      .setIssuedAt()
      .setExpirationTime('5m');
    return edit(jwt).sign(t.keyring.signing.privateKey);
  }

  it('a correctly signed token is accepted (control for the checks below)', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(await signed(c, (j) => j))).statusCode).toBe(200);
  });

  it.each([
    ['another audience', (j: SignJWT) => j.setAudience('https://elsewhere.example')],
    ['another issuer', (j: SignJWT) => j.setIssuer('https://elsewhere.example')],
  ])('a token with %s is a 401', async (_why, edit) => {
    const c = await signUpCitizen(t.app);
    expect((await me(await signed(c, edit))).statusCode).toBe(401);
  });

  it('a token naming a kid the JWKS does not publish is a 401', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(await signed(c, (j) => j, {}, 'sig-unknown'))).statusCode).toBe(401);
  });

  it('a token whose subject is not its session’s account is a 401', async () => {
    const c = await signUpCitizen(t.app);
    const other = await signUpCitizen(t.app);
    expect((await me(await signed(c, (j) => j.setSubject(other.accountId)))).statusCode).toBe(401);
  });

  it('a token naming a session that does not exist is a 401', async () => {
    const c = await signUpCitizen(t.app);
    expect((await me(await signed(c, (j) => j, { sid: '00000000-0000-4000-8000-000000000000' }))).statusCode).toBe(401);
  });

  it('an unsigned (alg none) token is a 401', async () => {
    const c = await signUpCitizen(t.app);
    const [, payload] = c.token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect((await me(`${header}.${payload}.`)).statusCode).toBe(401);
  });

  it('a session past its absolute expiry is a 401 and cannot be refreshed', async () => {
    const local = await buildTestApp();
    try {
      const c = await signUpCitizen(local.app);
      expect((await local.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(c.token) })).statusCode).toBe(200);
      local.clock.advance(91 * 24 * 3600 * 1000);
      expect((await local.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(c.token) })).statusCode).toBe(401);
      const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'refresh_token', refresh_token: c.refreshToken } });
      expect(res.json().error).toBe('invalid_grant');
    } finally {
      await local.close();
    }
  });

  it('a refresh token past its own lifetime is invalid_grant', async () => {
    const local = await buildTestApp({ env: { TESSERA_REFRESH_TOKEN_TTL: '3600' } });
    try {
      const c = await signUpCitizen(local.app);
      local.clock.advance(3601 * 1000);
      const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'refresh_token', refresh_token: c.refreshToken } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('invalid_grant');
    } finally {
      await local.close();
    }
  });

  it('honours a shorter configured access-token lifetime', async () => {
    const local = await buildTestApp({ env: { TESSERA_ACCESS_TOKEN_TTL: '30' } });
    try {
      const c = await signUpCitizen(local.app);
      const claims = decodeJwt(c.token);
      expect(claims.exp! - claims.iat!).toBe(30);
    } finally {
      await local.close();
    }
  });
});

describe('failed-login limiting', () => {
  it('five failures for one handle from one IP give 429 with Retry-After, even for the right password', async () => {
    const local = await buildTestApp({ loginLimits: defaultLoginLimits });
    try {
      const victim = await signUpCitizen(local.app);
      const attempt = (handle: string, password: string) =>
        local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: handle, password } });
      for (let i = 0; i < 5; i++) {
        const res = await attempt(victim.handle, `wrong password number ${i}`);
        expect(res.statusCode).toBe(400);
      }
      const locked = await attempt(victim.handle, strongPassword);
      expect(locked.statusCode).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      expect(locked.headers['cache-control']).toBe('no-store');

      // Same IP, another handle, below the IP limit: still allowed.
      const other = await signUpCitizen(local.app);
      expect((await attempt(other.handle, strongPassword)).statusCode).toBe(200);

      // Every lock ends with its window.
      local.clock.advance(15 * 60 * 1000 + 1000);
      expect((await attempt(victim.handle, strongPassword)).statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('the handle is limited whatever case it is typed in', async () => {
    const local = await buildTestApp();
    try {
      const victim = await signUpCitizen(local.app);
      const variants = [victim.handle, victim.handle.toUpperCase(), ` ${victim.handle}`, victim.handle, victim.handle.toUpperCase()];
      for (const v of variants) {
        const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: v, password: 'wrong password entirely' } });
        expect(res.statusCode).toBe(400);
      }
      const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: victim.handle, password: strongPassword } });
      expect(res.statusCode).toBe(429);
    } finally {
      await local.close();
    }
  });

  it('a forged X-Forwarded-For does not dodge the limit unless a proxy is trusted', async () => {
    const attempt = (app: TestApp, handle: string, password: string, ip: string) =>
      app.app.inject({ method: 'POST', url: '/v1/token', headers: { 'x-forwarded-for': ip }, payload: { grant_type: 'password', username: handle, password } });
    const direct = await buildTestApp();
    try {
      const victim = await signUpCitizen(direct.app);
      for (let i = 0; i < 5; i++) expect((await attempt(direct, victim.handle, 'wrong password entirely', `203.0.113.${i}`)).statusCode).toBe(400);
      expect((await attempt(direct, victim.handle, strongPassword, '203.0.113.99')).statusCode).toBe(429);
    } finally {
      await direct.close();
    }
    // One trusted proxy: the client is the address that proxy appended (the rightmost entry);
    // whatever the client wrote further left is not believed.
    const proxied = await buildTestApp({ env: { TESSERA_TRUST_PROXY: '1' } });
    try {
      const victim = await signUpCitizen(proxied.app);
      for (let i = 0; i < 5; i++) {
        expect((await attempt(proxied, victim.handle, 'wrong password entirely', `198.18.0.${i}, 203.0.113.7`)).statusCode).toBe(400);
      }
      expect((await attempt(proxied, victim.handle, strongPassword, '198.18.0.99, 203.0.113.7')).statusCode).toBe(429);
      // Behind a trusted proxy, the owner on another address is not locked out by the pair limit.
      expect((await attempt(proxied, victim.handle, strongPassword, '198.51.100.1')).statusCode).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('a trusted proxy list believes only hops from those addresses', async () => {
    const proxied = await buildTestApp({ env: { TESSERA_TRUST_PROXY: '127.0.0.1,10.0.0.0/8' } });
    try {
      const victim = await signUpCitizen(proxied.app);
      const attempt = (xff: string, password = 'wrong password entirely') =>
        proxied.app.inject({ method: 'POST', url: '/v1/token', headers: { 'x-forwarded-for': xff }, payload: { grant_type: 'password', username: victim.handle, password } });
      // 10.1.2.3 is a trusted proxy, so the client is the entry before it; the spoofed leftmost
      // entries change every time and are never reached.
      for (let i = 0; i < 5; i++) expect((await attempt(`192.0.2.${i}, 203.0.113.8, 10.1.2.3`)).statusCode).toBe(400);
      expect((await attempt('192.0.2.77, 203.0.113.8, 10.1.2.3', strongPassword)).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });

  it('TESSERA_TRUST_PROXY=true is refused at start with one line', async () => {
    await expect(buildTestApp({ env: { TESSERA_TRUST_PROXY: 'true' } })).rejects.toThrow(/hop|addresses/);
    await expect(buildTestApp({ env: { TESSERA_TRUST_PROXY: '10.0.0.0/99' } })).rejects.toThrow(/not an IP address or CIDR/);
  });

  it('failures from many addresses never lock the owner out: the right password from a fresh address logs in', async () => {
    const local = await buildTestApp({ env: { TESSERA_TRUST_PROXY: '1' } });
    try {
      const victim = await signUpCitizen(local.app);
      const attempt = (ip: string, password: string) =>
        local.app.inject({ method: 'POST', url: '/v1/token', headers: { 'x-forwarded-for': ip }, payload: { grant_type: 'password', username: victim.handle, password } });
      for (let i = 0; i < 120; i++) {
        const res = await attempt(`198.18.${Math.floor(i / 4)}.${i % 4}`, `guess number ${i}`);
        expect([400, 429]).toContain(res.statusCode);
      }
      // Under attack, a guessing address backs off after one more failure…
      expect((await attempt('203.0.113.50', 'one more guess')).statusCode).toBe(400);
      const backoff = await attempt('203.0.113.50', strongPassword);
      expect(backoff.statusCode).toBe(429);
      expect(Number(backoff.headers['retry-after'])).toBeGreaterThan(0);
      // …but the owner, on an address that has not failed, gets in with the right password.
      expect((await attempt('192.0.2.200', strongPassword)).statusCode).toBe(200);
      // And the guessing address may try again once its backoff is over.
      local.clock.advance(31_000);
      expect((await attempt('203.0.113.50', strongPassword)).statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('many handles failing from one IP hit the per-IP limit', async () => {
    const local = await buildTestApp({ loginLimits: { perPair: 5, perIp: 3, perHandle: 100, windowMs: 60_000 } });
    try {
      const c = await signUpCitizen(local.app);
      for (let i = 0; i < 3; i++) {
        await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: uniqueHandle(), password: 'whatever it may be' } });
      }
      const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: c.handle, password: strongPassword } });
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await local.close();
    }
  });
});
