import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, type Staff } from './helpers/consent.js';

let t: TestApp;
let alice: Citizen;
let linkWorker: Staff;

const ask = (subjectId: string, body: Record<string, unknown> = {}) =>
  t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${subjectId}/access-requests`,
    headers: bearer(linkWorker.token),
    payload: {
      access: 'read',
      categories: ['mental-wellbeing', 'social-connections'],
      from: '2026-01-01',
      to: '2026-06-30',
      purpose: 'social-prescribing',
      purposeText: 'to plan your support together',
      ...body,
    },
  });

const requests = async (who: Citizen) => (await t.app.inject({ method: 'GET', url: '/v1/me/access-requests', headers: bearer(who.token) })).json().items;

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  linkWorker = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'social-prescribing'), 'link-worker');
  alice = await signUpCitizen(t.app);
  await addRecord(t.app, alice, { type: 'ucla3', effectiveAt: '2026-02-01T09:00:00Z', answers: [2, 2, 3] });
  await addRecord(t.app, alice, { type: 'swemwbs', effectiveAt: '2026-07-15T09:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3] });
});
afterAll(() => t.close());

describe('access requests', () => {
  it('answers 202 alike for an existing and a non-existent person', async () => {
    // Terms of their own: an identical pending request would be merged with the next test's.
    const real = await ask(alice.subjectId, { purpose: 'care-coordination' });
    const nobody = await ask(randomUUID(), { purpose: 'care-coordination' });
    expect(real.statusCode).toBe(202);
    expect(nobody.statusCode).toBe(202);
    expect(Object.keys(real.json()).sort()).toEqual(Object.keys(nobody.json()).sort());
    expect(nobody.json().status).toBe('pending');
  });

  it('a malformed request is a 400 whether or not the person exists', async () => {
    for (const subject of [alice.subjectId, randomUUID()]) {
      const res = await ask(subject, { categories: ['not-a-category'] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('categories.0');
    }
  });

  it('the person sees the request with who asks and why, approves it narrowed, and the grant is exactly what was approved', async () => {
    const { id } = (await ask(alice.subjectId)).json();
    const listed = (await requests(alice)).find((r: { id: string }) => r.id === id);
    expect(listed).toMatchObject({ status: 'pending', purposeText: 'to plan your support together', requester: { accountId: linkWorker.accountId } });
    expect(listed.requester.name).toContain('link-worker');

    const wider = await t.app.inject({
      method: 'POST',
      url: `/v1/me/access-requests/${id}/approve`,
      headers: bearer(alice.token),
      payload: { categories: ['mental-wellbeing', 'money'] },
    });
    expect(wider.statusCode).toBe(400);
    expect(wider.json().errors[0].field).toBe('categories');

    const approved = await t.app.inject({
      method: 'POST',
      url: `/v1/me/access-requests/${id}/approve`,
      headers: bearer(alice.token),
      payload: { categories: ['social-connections'], to: '2026-03-31' },
    });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json()).toMatchObject({
      status: 'active',
      grantee: { accountId: linkWorker.accountId },
      categories: ['social-connections'],
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-03-31T23:59:59.999Z',
      purpose: 'social-prescribing',
      requestId: id,
    });
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${alice.subjectId}/records`, headers: bearer(linkWorker.token) });
    expect(read.statusCode).toBe(200);
    expect(read.json().items.map((r: { type: string }) => r.type)).toEqual(['ucla3']);

    const again = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${id}/approve`, headers: bearer(alice.token) });
    expect(again.statusCode).toBe(409);
  });

  it('deny answers 200 with status denied and grants nothing', async () => {
    const bob = await signUpCitizen(t.app);
    const { id } = (await ask(bob.subjectId)).json();
    const denied = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${id}/deny`, headers: bearer(bob.token) });
    expect(denied.statusCode).toBe(200);
    expect(denied.json().status).toBe('denied');
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${bob.subjectId}/records`, headers: bearer(linkWorker.token) });
    expect(read.statusCode).toBe(404);
    const grants = await t.app.inject({ method: 'GET', url: '/v1/me/grants', headers: bearer(bob.token) });
    expect(grants.json().items).toEqual([]);
  });

  it("one person cannot decide another person's request", async () => {
    const { id } = (await ask(alice.subjectId)).json();
    const mallory = await signUpCitizen(t.app);
    for (const action of ['approve', 'deny']) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${id}/${action}`, headers: bearer(mallory.token) });
      expect(res.statusCode).toBe(404);
    }
  });

  it('a request lapses after 30 days: listed as expired, and approving it is a 409', async () => {
    const carol = await signUpCitizen(t.app);
    const { id } = (await ask(carol.subjectId)).json();
    t.clock.advance(31 * 24 * 3600 * 1000);
    try {
      const listed = (await requests(carol)).find((r: { id: string }) => r.id === id);
      expect(listed.status).toBe('expired');
      const res = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${id}/approve`, headers: bearer(carol.token) });
      expect(res.statusCode).toBe(409);
    } finally {
      t.clock.advance(-31 * 24 * 3600 * 1000);
    }
  });

  it('an identical pending request is merged, not stacked, and a requester cannot flood the inbox', async () => {
    const bob = await signUpCitizen(t.app);
    for (let i = 0; i < 3; i++) expect((await ask(bob.subjectId)).statusCode).toBe(202);
    expect(await requests(bob)).toHaveLength(1);
    // Different terms are new requests, up to five pending from one requester; then they are
    // accepted (202, so nothing tells whether the person exists) but not stored.
    for (const c of ['goals', 'notes', 'wellbeing', 'health-status', 'healthy-living', 'money']) {
      expect((await ask(bob.subjectId, { categories: [c] })).statusCode).toBe(202);
    }
    expect(await requests(bob)).toHaveLength(5);
  });

  it('answers take the same floor of time whether or not the person exists', async () => {
    const carol = await signUpCitizen(t.app);
    for (const subjectId of [carol.subjectId, randomUUID(), carol.subjectId, randomUUID()]) {
      const started = performance.now();
      const res = await ask(subjectId, { categories: ['wellbeing'], purposeText: `ask ${started}` });
      expect(res.statusCode).toBe(202);
      expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    }
  });
});

describe('connecting without passing ids around (issue #18 item 10)', () => {
  const terms = { access: 'read', categories: ['social-connections'], purpose: 'social-prescribing' };
  const sent = async (who: Staff) => (await t.app.inject({ method: 'GET', url: '/v1/access-requests', headers: bearer(who.token) })).json().items;

  it('a person makes an invite code; a supporter asks with it, once; the person sees the request', async () => {
    const bea = await signUpCitizen(t.app);
    const made = await t.app.inject({ method: 'POST', url: '/v1/me/invites', headers: bearer(bea.token) });
    expect(made.statusCode, made.body).toBe(201);
    const { code, expiresAt } = made.json();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    // Case and dashes do not matter when it is typed in.
    const use = (invite: string) =>
      t.app.inject({ method: 'POST', url: '/v1/access-requests', headers: bearer(linkWorker.token), payload: { invite, ...terms } });
    const res = await use(code.toLowerCase().replace('-', ''));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'pending', subjectId: bea.subjectId });
    expect((await requests(bea)).map((r: { id: string }) => r.id)).toEqual([res.json().id]);
    const again = await use(code);
    expect(again.statusCode).toBe(404);
    expect(again.json().detail).toMatch(/expired or been used/);
    expect((await use('ZZZZZ-ZZZZZ')).statusCode).toBe(404);
  });

  it('an expired code is refused, and bad terms do not spend a code', async () => {
    const cy = await signUpCitizen(t.app);
    const code = (await t.app.inject({ method: 'POST', url: '/v1/me/invites', headers: bearer(cy.token), payload: { expiresInMinutes: 5 } })).json().code;
    const bad = await t.app.inject({ method: 'POST', url: '/v1/access-requests', headers: bearer(linkWorker.token), payload: { invite: code, ...terms, categories: ['nope'] } });
    expect(bad.statusCode).toBe(400);
    t.clock.advance(6 * 60_000);
    try {
      const late = await t.app.inject({ method: 'POST', url: '/v1/access-requests', headers: bearer(linkWorker.token), payload: { invite: code, ...terms } });
      expect(late.statusCode).toBe(404);
    } finally {
      t.clock.advance(-6 * 60_000);
    }
    expect((await t.app.inject({ method: 'POST', url: '/v1/me/invites', headers: bearer(cy.token), payload: { expiresInMinutes: 2 } })).statusCode).toBe(400);
  });

  it('a supporter lists the requests it sent with their outcome, the same for a person who does not exist', async () => {
    const dee = await signUpCitizen(t.app);
    const real = (await ask(dee.subjectId, terms)).json();
    const nobody = (await ask(randomUUID(), terms)).json();
    const mine = await sent(linkWorker);
    const byId = new Map(mine.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(real.id)).toMatchObject({ subjectId: dee.subjectId, status: 'pending', access: 'read', categories: ['social-connections'] });
    expect(byId.get(nobody.id)).toMatchObject({ status: 'pending' });
    // Same fields either way: the list cannot tell who exists.
    expect(Object.keys(byId.get(real.id) as object).sort()).toEqual(Object.keys(byId.get(nobody.id) as object).sort());
    const approved = await t.app.inject({ method: 'POST', url: `/v1/me/access-requests/${real.id}/approve`, headers: bearer(dee.token), payload: {} });
    expect(approved.statusCode).toBe(201);
    expect((await sent(linkWorker)).find((r: { id: string }) => r.id === real.id)).toMatchObject({ status: 'approved', grantId: approved.json().id });
  });

  it('the same request again while the first is pending is merged into it, not stacked', async () => {
    const eve = await signUpCitizen(t.app);
    const first = (await ask(eve.subjectId, terms)).json();
    const second = await ask(eve.subjectId, { ...terms, categories: [...terms.categories] });
    expect(second.statusCode).toBe(202);
    expect((await requests(eve)).map((r: { id: string }) => r.id)).toEqual([first.id]);
    expect((await sent(linkWorker)).filter((r: { subjectId: string }) => r.subjectId === eve.subjectId)).toHaveLength(1);
    const different = (await ask(eve.subjectId, { ...terms, categories: ['social-connections', 'mental-wellbeing'] })).json();
    expect(different.id).not.toBe(first.id);
    expect(await requests(eve)).toHaveLength(2);
  });

  it('erasure removes the person’s requests and invites', async () => {
    const fay = await signUpCitizen(t.app);
    const req = (await ask(fay.subjectId, terms)).json();
    const code = (await t.app.inject({ method: 'POST', url: '/v1/me/invites', headers: bearer(fay.token) })).json().code;
    expect((await t.app.inject({ method: 'DELETE', url: '/v1/me', headers: bearer(fay.token), payload: { password: 'correct horse battery staple 42' } })).statusCode).toBe(200);
    expect((await sent(linkWorker)).map((r: { id: string }) => r.id)).not.toContain(req.id);
    // The unused invite went with her: its code reaches no one now.
    const late = await t.app.inject({ method: 'POST', url: '/v1/access-requests', headers: bearer(linkWorker.token), payload: { invite: code, ...terms } });
    expect(late.statusCode).toBe(404);
  });
});
