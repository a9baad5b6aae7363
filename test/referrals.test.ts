import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/** Referrals (docs/care-team.md): a GP refers the person to a social-prescribing link worker. */

let t: TestApp;
let gp: Staff;
let linkWorker: Staff;
let riverside: string;
let p: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice'), 'gp');
  riverside = await createOrganisation(t.app, admin, 'social-prescribing', 'Riverside Social Prescribing');
  linkWorker = await createPractitioner(t.app, admin, riverside, 'link-worker');
  p = await signUpCitizen(t.app);
  await addRecord(t.app, p, { type: 'ucla3', effectiveAt: '2026-03-01T09:00:00Z', answers: [3, 3, 2] });
  await addRecord(t.app, p, { type: 'note', effectiveAt: '2026-03-02T09:00:00Z', text: 'private note' });
  await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['social-connections', 'notes'] });
});
afterAll(() => t.close());

const refer = (who: Staff, subjectId: string, body: Record<string, unknown> = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${subjectId}/referrals`,
    headers: bearer(who.token),
    payload: { referTo: { organisationId: riverside }, categories: ['social-connections', 'notes'], purpose: 'social-prescribing', note: 'they can help with feeling alone', ...body },
  });

describe('referrals', () => {
  it('only a supporter holding a read grant may refer (404 otherwise); the person sees it with the note, the referee nothing yet', async () => {
    expect((await refer(linkWorker, p.subjectId)).statusCode).toBe(404);
    const made = await refer(gp, p.subjectId);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ status: 'pending', note: null, referTo: { organisationId: riverside, name: 'Riverside Social Prescribing' } });
    const mine = (await t.app.inject({ method: 'GET', url: '/v1/me/referrals', headers: bearer(p.token) })).json().items;
    expect(mine[0]).toMatchObject({ id: made.json().id, note: 'they can help with feeling alone', referrer: { accountId: gp.accountId } });
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(linkWorker.token) })).statusCode).toBe(404);
    const notices = (await t.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: bearer(p.token) })).json().items;
    expect(notices.some((n: { kind: string; referralId?: string }) => n.kind === 'referral' && n.referralId === made.json().id)).toBe(true);
  });

  it('approval narrowed grants the referee exactly the approved terms, with a receipt; the referrer sees the outcome', async () => {
    const made = (await refer(gp, p.subjectId)).json();
    const wider = await t.app.inject({ method: 'POST', url: `/v1/me/referrals/${made.id}/approve`, headers: bearer(p.token), payload: { categories: ['social-connections', 'money'] } });
    expect(wider.statusCode).toBe(400);
    expect(wider.json().errors[0].field).toBe('categories');
    const approved = await t.app.inject({ method: 'POST', url: `/v1/me/referrals/${made.id}/approve`, headers: bearer(p.token), payload: { categories: ['social-connections'] } });
    expect(approved.statusCode, approved.body).toBe(201);
    const g = approved.json();
    expect(g).toMatchObject({ grantee: { organisationId: riverside }, members: 'practitioners', categories: ['social-connections'], access: 'read', purpose: 'social-prescribing' });
    const jwks = createLocalJWKSet((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json());
    expect((await jwtVerify(g.receipt, jwks)).payload).toMatchObject({ grantId: g.id, categories: ['social-connections'] });
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(linkWorker.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json().items.map((r: { type: string }) => r.type)).toEqual(['ucla3']);
    const outcome = (await t.app.inject({ method: 'GET', url: '/v1/referrals', headers: bearer(gp.token) })).json().items.find((r: { id: string }) => r.id === made.id);
    expect(outcome).toMatchObject({ status: 'approved', grantId: g.id, note: null });
    const told = (await t.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: bearer(gp.token) })).json().items;
    expect(told.some((n: { kind: string; referralId?: string; status?: string }) => n.kind === 'referral-decided' && n.referralId === made.id && n.status === 'approved')).toBe(true);
    expect((await t.app.inject({ method: 'POST', url: `/v1/me/referrals/${made.id}/deny`, headers: bearer(p.token) })).statusCode).toBe(409);
  });

  it('a denial grants nothing and is told to the referrer; another person cannot decide it', async () => {
    const made = (await refer(gp, p.subjectId, { referTo: { accountId: linkWorker.accountId }, categories: ['notes'] })).json();
    const stranger = await signUpCitizen(t.app);
    expect((await t.app.inject({ method: 'POST', url: `/v1/me/referrals/${made.id}/approve`, headers: bearer(stranger.token) })).statusCode).toBe(404);
    const denied = await t.app.inject({ method: 'POST', url: `/v1/me/referrals/${made.id}/deny`, headers: bearer(p.token) });
    expect(denied.statusCode).toBe(200);
    expect(denied.json().status).toBe('denied');
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records?category=notes`, headers: bearer(linkWorker.token) });
    expect(read.statusCode).toBe(403);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=3', headers: bearer(p.token) })).json().items;
    expect(log[0]).toMatchObject({ action: 'referral.deny', query: { referralId: made.id } });
  });
});
