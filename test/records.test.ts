import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let alice: Citizen;
let bob: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  alice = await signUpCitizen(t.app);
  bob = await signUpCitizen(t.app);
});
afterAll(() => t.close());

const post = (who: Citizen, payload: object) => t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(who.token), payload });

describe('own records', () => {
  it('scores a SWEMWBS questionnaire with the metric conversion', async () => {
    const res = await post(alice, { type: 'swemwbs', effectiveAt: '2026-03-01T10:00:00Z', answers: [3, 4, 3, 4, 3, 4, 3] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type: 'swemwbs', category: 'mental-wellbeing', subjectId: alice.subjectId, rawScore: 24, score: 21.54, flags: [] });
    expect(body.source).toEqual({ kind: 'self', accountId: alice.accountId, organisationId: null });
  });

  it("another person's record is a 404, for reading and deleting", async () => {
    const created = (await post(alice, { type: 'note', effectiveAt: '2026-03-02T10:00:00Z', text: 'private' })).json();
    const read = await t.app.inject({ method: 'GET', url: `/v1/me/records/${created.id}`, headers: bearer(bob.token) });
    expect(read.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${created.id}`, headers: bearer(bob.token) });
    expect(del.statusCode).toBe(404);
    const still = await t.app.inject({ method: 'GET', url: `/v1/me/records/${created.id}`, headers: bearer(alice.token) });
    expect(still.statusCode).toBe(200);
    expect(still.json().text).toBe('private');
  });
});
