import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, type Staff } from './helpers/consent.js';

/**
 * Delegates (docs/care-team.md): a daughter helps her father keep his records. She acts through
 * a delegation token within the powers he gave, re-read on every request; some things are never
 * delegable; his log names her and him.
 */

let t: TestApp;
let father: Citizen;
let daughter: Citizen;
let gp: Staff;

const inDays = (d: number) => new Date(t.clock.now() + d * 86_400_000).toISOString();
const call = (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });

async function delegate(to: { accountId: string }, powers: string[], expiresAt = inDays(30)) {
  const res = await call(father.token, 'POST', '/v1/me/delegates', { delegate: { accountId: to.accountId }, powers, basis: 'consent', expiresAt });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; receipt: string; status: string };
}

async function tokenFor(who: { token: string }, delegationId: string): Promise<string> {
  const res = await call(who.token, 'POST', `/v1/delegations/${delegationId}/token`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token;
}

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  father = await signUpCitizen(t.app, undefined, 'Arthur');
  daughter = await signUpCitizen(t.app, undefined, 'Bea');
  await addRecord(t.app, father, { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text: 'my own note' });
});
afterAll(() => t.close());

describe('delegates', () => {
  it('the person names a delegate with a receipt; the delegate sees it and gets a token whose sub is the person and act.sub her', async () => {
    const d = await delegate(daughter, ['read-records', 'add-records']);
    expect(d.status).toBe('active');
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const { payload } = await jwtVerify(d.receipt, jwks);
    expect(payload).toMatchObject({ typ: 'tessera.delegation', delegationId: d.id, powers: ['add-records', 'read-records'], basis: 'consent' });
    const mine = (await call(daughter.token, 'GET', '/v1/delegations')).json().items;
    expect(mine).toEqual([expect.objectContaining({ id: d.id, person: { accountId: father.accountId, name: 'Arthur' }, status: 'active' })]);
    const token = await tokenFor(daughter, d.id);
    expect(decodeJwt(token)).toMatchObject({ sub: father.accountId, act: { sub: daughter.accountId }, did: d.id });
  });

  it('within her powers she reads and adds his records; the record says she wrote it; outside them it is a 403', async () => {
    const d = await delegate(daughter, ['read-records', 'add-records']);
    const token = await tokenFor(daughter, d.id);
    const records = await call(token, 'GET', '/v1/me/records');
    expect(records.statusCode).toBe(200);
    expect(records.json().items.map((r: { subjectId: string }) => r.subjectId)).toContain(father.subjectId);
    const added = await call(token, 'POST', '/v1/me/records', { type: 'weight', effectiveAt: '2026-03-02T09:00:00Z', value: 81, unit: 'kg' });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ subjectId: father.subjectId, source: { kind: 'delegate', accountId: daughter.accountId } });
    for (const [method, url] of [
      ['GET', '/v1/me/grants'],
      ['GET', '/v1/me/access-log'],
      ['GET', '/v1/me/access-requests'],
    ] as const) {
      const res = await call(token, method, url);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().detail).toMatch(/manage-sharing/);
    }
  });

  it('erasure, delegates, the account, export and deletion are never delegable, whatever the powers', async () => {
    const d = await delegate(daughter, ['read-records', 'add-records', 'manage-sharing']);
    const token = await tokenFor(daughter, d.id);
    const own = (await call(father.token, 'GET', '/v1/me/records')).json().items[0].id as string;
    for (const [method, url, body] of [
      ['DELETE', '/v1/me', { password: father.password }],
      ['GET', '/v1/me/delegates', undefined],
      ['POST', '/v1/me/delegates', { delegate: { accountId: gp.accountId }, powers: ['read-records'], basis: 'consent', expiresAt: inDays(5) }],
      ['DELETE', `/v1/me/delegates/${d.id}`, undefined],
      ['GET', '/v1/me', undefined],
      ['GET', '/v1/me/export', undefined],
      ['DELETE', `/v1/me/records/${own}`, undefined],
      ['POST', `/v1/delegations/${d.id}/token`, undefined],
      ['GET', '/v1/grants', undefined],
    ] as const) {
      const res = await call(token, method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
    }
    expect((await call(father.token, 'GET', '/v1/me')).statusCode).toBe(200);
    // With manage-sharing she may share for him; the grant is his, made by her.
    const g = await call(token, 'POST', '/v1/me/grants', { grantee: { accountId: gp.accountId }, access: 'read', categories: ['notes'], purpose: 'direct-care' });
    expect(g.statusCode, g.body).toBe(201);
    expect(g.json().subjectId).toBe(father.subjectId);
  });

  it('his access log names her as the actor and him as the one she acted for', async () => {
    const d = await delegate(daughter, ['read-records', 'manage-sharing']);
    const token = await tokenFor(daughter, d.id);
    await call(token, 'POST', '/v1/me/grants', { grantee: { accountId: gp.accountId }, access: 'read', categories: ['goals'], purpose: 'direct-care' });
    const log = (await call(father.token, 'GET', '/v1/me/access-log?order=desc&limit=5')).json().items;
    const entry = log.find((e: { action: string }) => e.action === 'grant.create');
    expect(entry).toMatchObject({ actor: { accountId: daughter.accountId, kind: 'citizen' }, onBehalfOf: { accountId: father.accountId } });
    const own = log.find((e: { action: string }) => e.action === 'delegate.create');
    expect(own.onBehalfOf).toBeUndefined();
  });

  it('revoked, or expired, the delegation stops on the next request (401)', async () => {
    const d = await delegate(daughter, ['read-records'], inDays(2));
    const token = await tokenFor(daughter, d.id);
    expect((await call(token, 'GET', '/v1/me/records')).statusCode).toBe(200);
    const ended = await call(father.token, 'DELETE', `/v1/me/delegates/${d.id}`);
    expect(ended.statusCode).toBe(200);
    expect(ended.json()).toMatchObject({ status: 'revoked', revocationReceipt: expect.any(String) });
    expect((await call(token, 'GET', '/v1/me/records')).statusCode).toBe(401);
    expect((await call(daughter.token, 'POST', `/v1/delegations/${d.id}/token`)).statusCode).toBe(404);

    const e = await delegate(daughter, ['read-records'], new Date(t.clock.now() + 60_000).toISOString());
    const short = await tokenFor(daughter, e.id);
    expect(decodeJwt(short).exp! - decodeJwt(short).iat!).toBeLessThanOrEqual(60);
    t.clock.advance(61_000);
    try {
      expect((await call(short, 'GET', '/v1/me/records')).statusCode).toBe(401);
    } finally {
      t.clock.advance(-61_000);
    }
    const listed = (await call(father.token, 'GET', '/v1/me/delegates')).json().items.map((x: { id: string; status: string }) => [x.id, x.status]);
    expect(listed).toEqual(expect.arrayContaining([[d.id, 'revoked']]));
  });

  it('a delegation edited in the database is refused, and the delegate’s own logout ends her delegation tokens', async () => {
    const d = await delegate(daughter, ['read-records']);
    const token = await tokenFor(daughter, d.id);
    t.sqlite().db.$client.prepare(`UPDATE delegations SET powers = '["add-records","manage-sharing","read-records"]' WHERE id = ?`).run(d.id);
    const res = await call(token, 'GET', '/v1/me/records');
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('TESSERA_INTEGRITY');
    t.sqlite().db.$client.prepare(`UPDATE delegations SET powers = '["read-records"]' WHERE id = ?`).run(d.id);
    expect((await call(token, 'GET', '/v1/me/records')).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: daughter.refreshToken } });
    expect((await call(token, 'GET', '/v1/me/records')).statusCode).toBe(401);
  });

  it('refuses naming yourself, a client or an admin, and a past expiry, naming the field', async () => {
    for (const [body, field] of [
      [{ delegate: { accountId: father.accountId }, powers: ['read-records'], basis: 'consent', expiresAt: inDays(3) }, 'delegate.accountId'],
      [{ delegate: { accountId: gp.accountId }, powers: ['read-records'], basis: 'consent', expiresAt: inDays(-1) }, 'expiresAt'],
      [{ delegate: { accountId: gp.accountId }, powers: ['erase'], basis: 'consent', expiresAt: inDays(3) }, 'powers.0'],
    ] as const) {
      const res = await call(father.token, 'POST', '/v1/me/delegates', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
