import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';
import { addRecord, clientAssertion, createAdmin, createClient, createOrganisation, grant, type Staff } from './helpers/consent.js';

let t: TestApp & { url: string };
let admin: Staff;
let orgId: string;

beforeAll(async () => {
  t = await buildListeningTestApp();
  admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin, 'provider');
});
afterAll(() => t.close());

const tokenRequest = async (assertion: string, extra: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/v1/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      ...extra,
    }).toString(),
  });

describe('machine clients (private_key_jwt)', () => {
  it('publishes RFC 8414 metadata whose issuer is the public URL exactly', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: t.url,
      token_endpoint: `${t.url}/v1/token`,
      jwks_uri: `${t.url}/.well-known/jwks.json`,
      grant_types_supported: expect.arrayContaining(['client_credentials', 'password', 'refresh_token']),
      token_endpoint_auth_methods_supported: expect.arrayContaining(['private_key_jwt']),
      token_endpoint_auth_signing_alg_values_supported: expect.arrayContaining(['EdDSA', 'ES256']),
    });
  });

  it('a standard OAuth client library discovers the service and gets a token with no custom code', async () => {
    const c = await createClient(t, admin, orgId);
    const issuer = new URL(t.url);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', [oauth.allowInsecureRequests]: true }));
    const client: oauth.Client = { client_id: c.clientId };
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key: c.privateKey, kid: 'k1' }), new URLSearchParams(), {
      [oauth.allowInsecureRequests]: true,
    });
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    expect(result.token_type.toLowerCase()).toBe('bearer');
    expect(result.expires_in).toBeLessThanOrEqual(900);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(result.access_token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ accountId: c.clientId, kind: 'client', organisationId: orgId });
  });

  it('accepts ES256 keys and both audience forms (token URL and issuer)', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const reg = await t.app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/clients`, headers: bearer(admin.token), payload: { name: 'EC client', jwks: { keys: [jwk] } } });
    expect(reg.statusCode, reg.body).toBe(201);
    const clientId = reg.json().clientId;
    for (const aud of [`${t.url}/v1/token`, t.url]) {
      const res = await tokenRequest(await clientAssertion({ clientId, privateKey }, aud, { alg: 'ES256' }));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().refresh_token).toBeUndefined();
    }
  });

  it('refuses a replayed jti, a wrong audience, a long-lived assertion and a foreign key with 401 invalid_client', async () => {
    const c = await createClient(t, admin, orgId);
    const jti = randomUUID();
    const first = await tokenRequest(await clientAssertion(c, t.url, { jti }));
    expect(first.statusCode).toBe(200);
    const cases = [
      await clientAssertion(c, t.url, { jti }),
      await clientAssertion(c, 'https://elsewhere.example/token'),
      await clientAssertion(c, t.url, { expiresIn: '10m' }),
      await clientAssertion({ clientId: c.clientId, privateKey: (await generateKeyPair('EdDSA')).privateKey }, t.url),
    ];
    for (const assertion of cases) {
      const res = await tokenRequest(assertion);
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().error).toBe('invalid_client');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('refuses a replayed jti after exp while the clock tolerance would still accept the assertion', async () => {
    const c = await createClient(t, admin, orgId);
    const jti = randomUUID();
    const assertion = await clientAssertion(c, t.url, { jti, expiresIn: '1m' });
    expect((await tokenRequest(assertion)).statusCode).toBe(200);
    // 10 s past exp: inside the 30 s tolerance, so only the remembered jti stops the replay.
    t.clock.advance(70_000);
    try {
      const replay = await tokenRequest(assertion);
      expect(replay.statusCode, replay.body).toBe(401);
      expect(replay.json().error_description).toMatch(/already used/);
    } finally {
      t.clock.advance(-70_000);
    }
  });

  it('refuses a private key in the registered JWKS, naming the key', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/organisations/${orgId}/clients`,
      headers: bearer(admin.token),
      payload: { name: 'Leaky', jwks: { keys: [await exportJWK(privateKey)] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('jwks.keys.0');
  });

  it('a client appends where an organisation grant allows it, and the record carries its source', async () => {
    const c = await createClient(t, admin, orgId);
    const person = await signUpCitizen(t.app);
    await grant(t.app, person, { grantee: { organisationId: orgId }, access: 'append', categories: ['healthy-living'], purpose: 'care-coordination' });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${person.subjectId}/records`,
      headers: bearer(c.token),
      payload: { type: 'steps', effectiveAt: '2026-05-01T00:00:00Z', value: 8042 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().source).toEqual({ kind: 'client', accountId: c.clientId, organisationId: orgId });
    await addRecord(t.app, person, { type: 'note', effectiveAt: '2026-05-01T00:00:00Z', text: 'not for the provider' });
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${person.subjectId}/records`, headers: bearer(c.token) });
    expect(read.statusCode).toBe(403);
  });

  it('a disabled client is refused tokens and its current token stops at once', async () => {
    const c = await createClient(t, admin, orgId);
    const dis = await t.app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/clients/${c.clientId}/disable`, headers: bearer(admin.token) });
    expect(dis.statusCode, dis.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(c.token) })).statusCode).toBe(401);
    expect((await tokenRequest(await clientAssertion(c, t.url))).statusCode).toBe(401);
  });
});
