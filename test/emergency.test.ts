import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, type Staff } from './helpers/consent.js';

/** Emergency access (docs/care-team.md): only under the person's own policy, read-only, logged, flaggable. */

let t: TestApp;
let ooh: string;
let doctor: Staff;
let elsewhere: Staff;
let p: Citizen;

const breakGlass = (who: { token: string }, subjectId: string, reason = 'unconscious on arrival, need current medication context') =>
  t.app.inject({ method: 'POST', url: `/v1/subjects/${subjectId}/emergency-access`, headers: bearer(who.token), payload: { reason } });

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  ooh = await createOrganisation(t.app, admin, 'gp-practice', 'Out-of-hours GP');
  doctor = await createPractitioner(t.app, admin, ooh, 'gp');
  elsewhere = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  p = await signUpCitizen(t.app);
  await addRecord(t.app, p, { type: 'blood-glucose', effectiveAt: '2026-03-01T08:00:00Z', value: 3.4, unit: 'mmol/L' });
  await addRecord(t.app, p, { type: 'note', effectiveAt: '2026-03-01T09:00:00Z', text: 'private thoughts' });
});
afterAll(() => t.close());

describe('emergency access', () => {
  it('without a policy it is a 404, the same as for a person who does not exist', async () => {
    const none = await breakGlass(doctor, p.subjectId);
    const nobody = await breakGlass(doctor, randomUUID());
    expect(none.statusCode).toBe(404);
    expect(nobody.statusCode).toBe(404);
    expect(none.json().detail).toBe(nobody.json().detail);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/emergency-policy', headers: bearer(p.token) })).statusCode).toBe(404);
  });

  it('under the policy: only named organisations, read-only, the policy’s categories, logged as emergency, the person told at once', async () => {
    const put = await t.app.inject({ method: 'PUT', url: '/v1/me/emergency-policy', headers: bearer(p.token), payload: { organisations: [ooh], categories: ['health-status'], maxMinutes: 120 } });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ organisations: [{ id: ooh, name: 'Out-of-hours GP' }], categories: ['health-status'], maxMinutes: 120 });
    expect((await breakGlass(elsewhere, p.subjectId)).statusCode).toBe(404);
    expect((await breakGlass(doctor, p.subjectId, 'short')).statusCode).toBe(400);
    const opened = await breakGlass(doctor, p.subjectId);
    expect(opened.statusCode, opened.body).toBe(201);
    const { grantId, expiresAt } = opened.json();
    expect(Date.parse(expiresAt) - t.clock.now()).toBeLessThanOrEqual(120 * 60_000);
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(doctor.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json().items.map((r: { type: string }) => r.type)).toEqual(['blood-glucose']);
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records?category=notes`, headers: bearer(doctor.token) })).statusCode).toBe(403);
    // Read-only: no appends, no watches, no referrals under it.
    const append = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(doctor.token), payload: { type: 'weight', effectiveAt: '2026-03-01T10:00:00Z', value: 70 } });
    expect(append.statusCode).toBe(403);
    const watch = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(doctor.token), payload: { type: 'blood-glucose', field: 'value', op: 'lt', threshold: 4 } });
    expect(watch.statusCode).toBe(403);
    const refer = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/referrals`, headers: bearer(doctor.token), payload: { referTo: { organisationId: ooh }, categories: ['health-status'], purpose: 'direct-care' } });
    expect(refer.statusCode).toBe(403);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=10', headers: bearer(p.token) })).json().items;
    expect(log.find((e: { action: string }) => e.action === 'records.read')).toMatchObject({ grantIds: [grantId], query: { purpose: 'emergency' } });
    expect(log.some((e: { action: string }) => e.action === 'emergency-access.open')).toBe(true);
    const told = (await t.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: bearer(p.token) })).json().items;
    expect(told[0]).toMatchObject({ kind: 'emergency-access', grantId, practitionerAccountId: doctor.accountId });
    const seen = (await t.app.inject({ method: 'GET', url: '/v1/me/emergency-access', headers: bearer(p.token) })).json().items;
    expect(seen[0]).toMatchObject({ grantId, reason: 'unconscious on arrival, need current medication context', flaggedAt: null });
  });

  it('expires on time, and the person flags it as unjustified, which the organisation sees', async () => {
    const opened = (await breakGlass(doctor, p.subjectId)).json();
    t.clock.advance(121 * 60_000);
    try {
      expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(doctor.token) })).statusCode).toBe(404);
    } finally {
      t.clock.advance(-121 * 60_000);
    }
    const flagged = await t.app.inject({ method: 'POST', url: `/v1/me/emergency-access/${opened.grantId}/flag`, headers: bearer(p.token), payload: { statement: 'I was awake and could have been asked' } });
    expect(flagged.statusCode, flagged.body).toBe(200);
    expect(flagged.json().flaggedAt).not.toBeNull();
    const org = (await t.app.inject({ method: 'GET', url: '/v1/emergency-access', headers: bearer(doctor.token) })).json().items;
    expect(org.find((a: { grantId: string }) => a.grantId === opened.grantId)).toMatchObject({ flagStatement: 'I was awake and could have been asked' });
    const notices = (await t.app.inject({ method: 'GET', url: '/v1/me/notifications', headers: bearer(doctor.token) })).json().items;
    expect(notices.some((n: { kind: string; grantId?: string }) => n.kind === 'emergency-access-flagged' && n.grantId === opened.grantId)).toBe(true);
    expect((await t.app.inject({ method: 'GET', url: '/v1/emergency-access', headers: bearer(elsewhere.token) })).json().items).toEqual([]);
  });

  it('a client cannot break glass, nobody can grant the emergency purpose by hand, and removing the policy closes the door', async () => {
    const admin = await createAdmin(t);
    const client = await createClient(t, admin, ooh);
    expect((await breakGlass(client, p.subjectId)).statusCode).toBe(403);
    const byHand = await t.app.inject({ method: 'POST', url: '/v1/me/grants', headers: bearer(p.token), payload: { grantee: { accountId: doctor.accountId }, access: 'read', categories: ['notes'], purpose: 'emergency' } });
    expect(byHand.statusCode).toBe(400);
    expect(byHand.json().errors[0].field).toBe('purpose');
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/me/emergency-policy', headers: bearer(p.token) })).statusCode).toBe(204);
    expect((await breakGlass(doctor, p.subjectId)).statusCode).toBe(404);
  });
});
