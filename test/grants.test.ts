import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let alice: Citizen;
let gp: Staff;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, orgId, 'gp');
  alice = await signUpCitizen(t.app);
  await addRecord(t.app, alice, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
  await addRecord(t.app, alice, { type: 'heart-rate', effectiveAt: '2026-04-01T10:00:00Z', value: 61 });
});
afterAll(() => t.close());

describe('grants', () => {
  it('issue answers 201 with status active and a receipt that verifies against the JWKS', async () => {
    const g = await grant(t.app, alice, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'], purposeText: 'my GP review' });
    const res = await t.app.inject({ method: 'GET', url: `/v1/me/grants/${g.id}`, headers: bearer(alice.token) });
    const body = res.json();
    expect(body).toMatchObject({ status: 'active', access: 'read', categories: ['mental-wellbeing'], purposeText: 'my GP review', grantee: { accountId: gp.accountId } });
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const { payload, protectedHeader } = await jwtVerify(g.receipt, jwks);
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(payload).toMatchObject({ grantId: g.id, subjectId: alice.subjectId, access: 'read', categories: ['mental-wellbeing'], purpose: 'direct-care' });
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('purposeText');
  });

  it('preview counts what the grant would expose, creating nothing', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/v1/me/grants', headers: bearer(alice.token) })).json().items.length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/grants/preview',
      headers: bearer(alice.token),
      payload: { grantee: { accountId: gp.accountId }, access: 'read', categories: ['mental-wellbeing', 'health-status'], purpose: 'direct-care' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      total: 2,
      byCategory: { 'mental-wellbeing': 1, 'health-status': 1 },
      byType: { phq9: 1, 'heart-rate': 1 },
      first: '2026-03-01T10:00:00.000Z',
      last: '2026-04-01T10:00:00.000Z',
    });
    const after = (await t.app.inject({ method: 'GET', url: '/v1/me/grants', headers: bearer(alice.token) })).json().items.length;
    expect(after).toBe(before);
  });

  it('revocation answers revokedAt and a revocation receipt, and the practitioner loses access at once', async () => {
    const g = await grant(t.app, alice, { grantee: { accountId: gp.accountId }, categories: ['health-status'] });
    const read = () => t.app.inject({ method: 'GET', url: `/v1/subjects/${alice.subjectId}/records?category=health-status`, headers: bearer(gp.token) });
    expect((await read()).statusCode).toBe(200);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(alice.token) });
    expect(del.statusCode).toBe(200);
    expect(del.json().status).toBe('revoked');
    expect(typeof del.json().revokedAt).toBe('string');
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    const { payload } = await jwtVerify(del.json().revocationReceipt, jwks);
    expect(payload.revokedAt).toBe(del.json().revokedAt);
    // The mental-wellbeing grant from the first test remains, so health-status is now a 403.
    expect((await read()).statusCode).toBe(403);
  });

  it('refuses a type outside the granted categories, an expiry beyond two years and unknown codes, naming the field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/grants',
      headers: bearer(alice.token),
      payload: {
        grantee: { accountId: gp.accountId },
        access: 'read',
        categories: ['mental-wellbeing', 'nope'],
        types: ['weight'],
        purpose: 'direct-care',
        expiresAt: '2099-01-01T00:00:00Z',
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['categories.1', 'types.0', 'expiresAt']));
  });
});

describe('names, not UUIDs (issue #18 item 9)', () => {
  const caseload = async (who: Staff) => (await t.app.inject({ method: 'GET', url: '/v1/grants', headers: bearer(who.token) })).json().items as { id: string; subjectId: string; subjectName?: string | null; shareName: boolean }[];
  const nameIn = async (who: Staff, subjectId: string) => (await caseload(who)).find((g) => g.subjectId === subjectId)?.subjectName;

  it('a direct-care grant shares the person’s name by default: caseload, slice reads and alerts show it', async () => {
    const admin = await createAdmin(t);
    const nurse = await createPractitioner(t.app, admin, orgId, 'nurse');
    const robin = await signUpCitizen(t.app, undefined, 'Robin Ash');
    const g = await grant(t.app, robin, { grantee: { accountId: nurse.accountId }, categories: ['mental-wellbeing'] });
    expect((await t.app.inject({ method: 'GET', url: `/v1/me/grants/${g.id}`, headers: bearer(robin.token) })).json().shareName).toBe(true);
    expect(await nameIn(nurse, robin.subjectId)).toBe('Robin Ash');
    const slice = await t.app.inject({ method: 'GET', url: `/v1/subjects/${robin.subjectId}/records`, headers: bearer(nurse.token) });
    expect(slice.json().subjectName).toBe('Robin Ash');
    await t.app.inject({ method: 'POST', url: `/v1/subjects/${robin.subjectId}/watches`, headers: bearer(nurse.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
    await addRecord(t.app, robin, { type: 'phq9', effectiveAt: '2026-03-02T10:00:00Z', answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] });
    const feed = (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(nurse.token) })).json().items;
    expect(feed[0]).toMatchObject({ subjectId: robin.subjectId, subjectName: 'Robin Ash' });

    // The person turns it off: the very next request shows no name, and the change is logged.
    const off = await t.app.inject({ method: 'PATCH', url: `/v1/me/grants/${g.id}`, headers: bearer(robin.token), payload: { shareName: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json().shareName).toBe(false);
    expect(await nameIn(nurse, robin.subjectId)).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${robin.subjectId}/records`, headers: bearer(nurse.token) })).json().subjectName).toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(nurse.token) })).json().items[0].subjectName).toBeNull();
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=5', headers: bearer(robin.token) })).json().items;
    expect(log.find((e: { action: string }) => e.action === 'grant.update')).toMatchObject({ grantIds: [g.id], query: { shareName: false } });
  });

  it('other purposes share no name unless the person says so; a revoked grant shows none', async () => {
    const admin = await createAdmin(t);
    const coach = await createPractitioner(t.app, admin, orgId, 'coach');
    const sky = await signUpCitizen(t.app, undefined, 'Sky Birch');
    await grant(t.app, sky, { grantee: { accountId: coach.accountId }, categories: ['goals'], purpose: 'self-management' });
    expect(await nameIn(coach, sky.subjectId)).toBeNull();
    const jo = await signUpCitizen(t.app, undefined, 'Jo Elm');
    const g = await t.app.inject({
      method: 'POST',
      url: '/v1/me/grants',
      headers: bearer(jo.token),
      payload: { grantee: { accountId: coach.accountId }, access: 'read', categories: ['goals'], purpose: 'self-management', shareName: true },
    });
    expect(g.statusCode).toBe(201);
    expect(await nameIn(coach, jo.subjectId)).toBe('Jo Elm');
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.json().id}`, headers: bearer(jo.token) });
    const revoked = (await t.app.inject({ method: 'GET', url: '/v1/grants?status=revoked', headers: bearer(coach.token) })).json().items;
    expect(revoked.find((x: { subjectId: string }) => x.subjectId === jo.subjectId).subjectName).toBeNull();
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/me/grants/${g.json().id}`, headers: bearer(sky.token), payload: { shareName: true } })).statusCode).toBe(404);
  });
});
