import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyExpiringGrants } from '../src/features/notifications/service.js';
import { bearer, signUpCitizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/** Notices for the person and supporters (docs/care-team.md, "Notifications"), and grant renewal. */

let t: TestApp;
let gp: Staff;
let other: Staff;

const notes = async (token: string, query = '') =>
  (await t.app.inject({ method: 'GET', url: `/v1/me/notifications${query}`, headers: bearer(token) })).json() as {
    items: { id: string; kind: string; readAt: string | null; [k: string]: unknown }[];
    nextCursor: string | null;
  };

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  const org = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  other = await createPractitioner(t.app, admin, org, 'gp');
});
afterAll(() => t.close());

describe('notifications', () => {
  it('the person is told of an access request and of a watch set on their store; a request to nobody tells no one', async () => {
    const p = await signUpCitizen(t.app);
    const asked = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/access-requests`,
      headers: bearer(gp.token),
      payload: { access: 'read', categories: ['mental-wellbeing'], purpose: 'direct-care' },
    });
    expect(asked.statusCode).toBe(202);
    await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${randomUUID()}/access-requests`,
      headers: bearer(gp.token),
      payload: { access: 'read', categories: ['notes'], purpose: 'direct-care' },
    });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    const w = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
    expect(w.statusCode).toBe(201);
    const items = (await notes(p.token)).items;
    expect(items.map((n) => n.kind)).toEqual(['watch-created', 'access-request']);
    expect(items[0]).toMatchObject({ watchId: w.json().id, watcherAccountId: gp.accountId, type: 'phq9', subjectId: p.subjectId });
    const requestId = (await t.app.inject({ method: 'GET', url: '/v1/me/access-requests', headers: bearer(p.token) })).json().items[0].id;
    expect(items[1]).toMatchObject({ requestId, requesterAccountId: gp.accountId });
    // Supporters' own feeds hold none of this.
    expect((await notes(gp.token)).items.filter((n) => n.subjectId === p.subjectId)).toEqual([]);
  });

  it('read notices drop out of the unread list; another account cannot mark them', async () => {
    const p = await signUpCitizen(t.app);
    await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/access-requests`, headers: bearer(gp.token), payload: { access: 'read', categories: ['goals'], purpose: 'direct-care' } });
    const [n] = (await notes(p.token, '?unread=true')).items;
    const stranger = await signUpCitizen(t.app);
    expect((await t.app.inject({ method: 'POST', url: `/v1/me/notifications/${n!.id}/read`, headers: bearer(stranger.token) })).statusCode).toBe(404);
    const read = await t.app.inject({ method: 'POST', url: `/v1/me/notifications/${n!.id}/read`, headers: bearer(p.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    expect((await notes(p.token, '?unread=true')).items).toEqual([]);
  });

  it('a grant ending soon is announced 14 days and 1 day before, to the person and the grantee, once each', async () => {
    const p = await signUpCitizen(t.app);
    const g = await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['notes'], expiresAt: new Date(t.clock.now() + 10 * 86_400_000).toISOString() });
    const deps = t.deps;
    await notifyExpiringGrants(deps);
    await notifyExpiringGrants(deps);
    const mine = (await notes(p.token)).items.filter((n) => n.kind === 'grant-expiring');
    expect(mine).toEqual([expect.objectContaining({ grantId: g.id, within: '14d' })]);
    expect((await notes(gp.token)).items.filter((n) => n.kind === 'grant-expiring' && n.grantId === g.id)).toHaveLength(1);
    t.clock.advance(9.5 * 86_400_000);
    try {
      await notifyExpiringGrants(deps);
      expect((await notes(p.token)).items.filter((n) => n.kind === 'grant-expiring').map((n) => n.within)).toEqual(['1d', '14d']);
    } finally {
      t.clock.advance(-9.5 * 86_400_000);
    }
  });

  it('the grantee asks for a renewal: the person gets a request with the same terms, and approving it makes a new grant with its receipt', async () => {
    const p = await signUpCitizen(t.app);
    const g = await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing', 'goals'], from: '2026-01-01', purpose: 'social-prescribing' });
    expect((await t.app.inject({ method: 'POST', url: `/v1/grants/${g.id}/renewal`, headers: bearer(other.token) })).statusCode).toBe(404);
    const asked = await t.app.inject({ method: 'POST', url: `/v1/grants/${g.id}/renewal`, headers: bearer(gp.token) });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json().renewalOf).toBe(g.id);
    const [request] = (await t.app.inject({ method: 'GET', url: '/v1/me/access-requests', headers: bearer(p.token) })).json().items;
    expect(request).toMatchObject({ categories: ['mental-wellbeing', 'goals'], purpose: 'social-prescribing', from: '2026-01-01T00:00:00.000Z', requester: { accountId: gp.accountId } });
    const approved = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${request.id}/approve`, headers: bearer(p.token) });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json().id).not.toBe(g.id);
    expect(approved.json().receipt).toMatch(/^ey/);
    // A revoked grant is not renewable: the person ended it.
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${approved.json().id}`, headers: bearer(p.token) });
    expect((await t.app.inject({ method: 'POST', url: `/v1/grants/${approved.json().id}/renewal`, headers: bearer(gp.token) })).statusCode).toBe(404);
  });
});
