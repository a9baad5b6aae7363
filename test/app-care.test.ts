/**
 * The web app's care-team pages over HTTP (app.inject), without a browser: notifications with
 * their unread count, referrals, grant renewal, delegates, and acting for someone, where the
 * delegation token stays on the server and every page is held to the delegation's powers. The
 * browser stories are test/app/referral.test.ts and test/app/delegate.test.ts.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let origin: string;
let admin: Staff;
let org: string;

beforeAll(async () => {
  t = await buildTestApp();
  origin = new URL(t.config.publicUrl).origin;
  admin = await createAdmin(t);
  org = await createOrganisation(t.app, admin, 'social-prescribing', 'Riverside Social Prescribing');
});
afterAll(async () => t.close());

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/;

function cookiesOf(res: LightMyRequestResponse): string[] {
  return [res.headers['set-cookie'] ?? []].flat().map(String);
}

/** A browser's cookie jar, kept as the browser keeps it: Set-Cookie adds, Max-Age=0 removes. */
class Jar {
  private cookies = new Map<string, string>();
  take(res: LightMyRequestResponse): this {
    for (const c of cookiesOf(res)) {
      const [pair] = c.split(';');
      const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
      if (/Max-Age=0/.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) p.append(k, one);
  return p.toString();
}

async function get(jar: Jar, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { cookie: jar.header } });
  jar.take(res);
  return res;
}

async function post(jar: Jar, url: string, fields: Record<string, string | string[]> = {}) {
  const res = await t.app.inject({ method: 'POST', url, headers: { origin, cookie: jar.header, 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
  jar.take(res);
  return res;
}

async function browserLogin(handle: string): Promise<Jar> {
  const jar = new Jar();
  const res = await post(jar, '/app/login', { handle, password: strongPassword });
  expect(res.statusCode, res.body).toBe(303);
  return jar;
}

async function nameDelegate(person: Citizen, delegateAccountId: string, powers: string[]): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/me/delegates',
    headers: bearer(person.token),
    payload: { delegate: { accountId: delegateAccountId }, powers, basis: 'consent', expiresAt: new Date(Date.now() + 90 * 86400_000).toISOString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** The text of a page's main content, without markup. */
function textOf(res: LightMyRequestResponse): string {
  return res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('notifications page', () => {
  it('an access request shows as an unread count in the navigation; opening it marks it read and leads to the request', async () => {
    const alex = await signUpCitizen(t.app, undefined, 'Alex');
    const sam = await createPractitioner(t.app, admin, org);
    const ask = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${alex.subjectId}/access-requests`,
      headers: bearer(sam.token),
      payload: { access: 'read', categories: ['mental-wellbeing'], purpose: 'social-prescribing' },
    });
    expect(ask.statusCode, ask.body).toBe(202);
    const jar = await browserLogin(alex.handle);
    const home = await get(jar, '/app/');
    expect(home.body).toMatch(/href="\/app\/notifications"[^>]*>Notifications<span class="badge">1<span class="visually-hidden"> unread<\/span>/);
    const page = await get(jar, '/app/notifications');
    expect(page.statusCode).toBe(200);
    expect(textOf(page)).toContain(`Practitioner ${sam.handle}, link worker at Riverside Social Prescribing asked to see part of your records.`);
    const id = /action="\/app\/notifications\/([0-9a-f-]{36})\/open"/.exec(page.body)![1]!;
    const open = await post(jar, `/app/notifications/${id}/open`);
    expect(open.statusCode).toBe(303);
    expect(open.headers.location).toBe('/app/sharing#requests');
    // The same notice, read through the API: marked read.
    const api = await t.app.inject({ method: 'GET', url: '/v1/me/notifications?unread=true', headers: bearer(alex.token) });
    expect(api.json().items).toEqual([]);
    const after = await get(jar, '/app/notifications');
    expect(after.body).not.toContain('class="badge"');
    expect(textOf(after)).toContain('Nothing new.');
    // Another account's notice cannot be marked from here: it is not theirs (404).
    const bea = await browserLogin((await signUpCitizen(t.app)).handle);
    expect((await post(bea, `/app/notifications/${id}/read`)).statusCode).toBe(404);
  });
});

describe('referrals and renewal', () => {
  it('a supporter refers from the person’s page; the person approves it narrowed; the grant is exactly that; the referrer sees the outcome', async () => {
    const alex = await signUpCitizen(t.app, undefined, 'Alex');
    const gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice', 'Elm Street Surgery'), 'gp');
    const link = await createPractitioner(t.app, admin, org);
    await grant(t.app, alex, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['mental-wellbeing', 'social-connections', 'goals'], purpose: 'direct-care' });
    const gpJar = await browserLogin(gp.handle);
    const person = await get(gpJar, `/app/people/${alex.subjectId}`);
    expect(person.body).toContain(`action="/app/people/${alex.subjectId}/referrals"`);
    // A bad referee id is shown next to its field, as the API words it.
    const bad = await post(gpJar, `/app/people/${alex.subjectId}/referrals`, { referToKind: 'account', referTo: 'nobody', referCategories: ['mental-wellbeing'], referPurpose: 'social-prescribing' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-referTo-error"');
    const sent = await post(gpJar, `/app/people/${alex.subjectId}/referrals`, {
      referToKind: 'account',
      referTo: link.accountId,
      referCategories: ['mental-wellbeing', 'social-connections'],
      referPurpose: 'social-prescribing',
      note: 'They run a walking group near you',
    });
    expect(sent.statusCode, sent.body).toBe(303);
    expect(sent.headers.location).toBe('/app/referrals?done=referred');
    expect(textOf(await get(gpJar, '/app/referrals'))).toContain('waiting for the person to decide');

    const alexJar = await browserLogin(alex.handle);
    const sharing = await get(alexJar, '/app/sharing');
    const text = textOf(sharing);
    expect(text).toContain(`suggests that Practitioner ${link.handle}, link worker at Riverside Social Prescribing can read your mental wellbeing and social connections records`);
    expect(text).toContain('Their note: “They run a walking group near you”');
    const refId = /action="\/app\/sharing\/referrals\/([0-9a-f-]{36})\/approve"/.exec(sharing.body)![1]!;
    const approved = await post(alexJar, `/app/sharing/referrals/${refId}/approve`, { categories: ['mental-wellbeing'] });
    expect(approved.statusCode, approved.body).toBe(303);
    const grantId = /\/app\/sharing\/grants\/([0-9a-f-]{36})/.exec(approved.headers.location as string)![1]!;
    const g = await t.app.inject({ method: 'GET', url: `/v1/me/grants/${grantId}`, headers: bearer(alex.token) });
    expect(g.json()).toMatchObject({ grantee: { accountId: link.accountId }, access: 'read', categories: ['mental-wellbeing'], purpose: 'social-prescribing', status: 'active' });

    expect(textOf(await get(gpJar, '/app/referrals'))).toMatch(/their mental wellbeing and social connections records, for social prescribing\. approved \d+ \w+ \d{4}/);
    const notices = textOf(await get(gpJar, '/app/notifications'));
    expect(notices).toContain('Your referral was approved.');
    expect(notices).toContain(`About Person ${alex.subjectId.slice(0, 8)}`);
    // The referee now has the person on its caseload, with exactly that slice.
    expect(textOf(await get(await browserLogin(link.handle), `/app/people/${alex.subjectId}`))).toContain('You may read their mental wellbeing records');
  });

  it('a grant ending within 14 days offers renewal; asking puts a pre-filled request before the person', async () => {
    const alex = await signUpCitizen(t.app, undefined, 'Alex');
    const sam = await createPractitioner(t.app, admin, org);
    const soon = new Date(Date.now() + 5 * 86400_000).toISOString();
    const later = await signUpCitizen(t.app);
    const g = await grant(t.app, alex, { grantee: { accountId: sam.accountId }, access: 'read', categories: ['goals'], purpose: 'social-prescribing', expiresAt: soon });
    await grant(t.app, later, { grantee: { accountId: sam.accountId }, access: 'read', categories: ['goals'], purpose: 'social-prescribing' });
    const jar = await browserLogin(sam.handle);
    expect((await get(jar, `/app/people/${later.subjectId}`)).body).not.toContain('/renewal"');
    const page = await get(jar, `/app/people/${alex.subjectId}`);
    expect(page.body).toContain(`action="/app/people/${alex.subjectId}/grants/${g.id}/renewal"`);
    const asked = await post(jar, `/app/people/${alex.subjectId}/grants/${g.id}/renewal`);
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/app/people?done=renewal-asked');
    const requests = await t.app.inject({ method: 'GET', url: '/v1/me/access-requests?status=pending', headers: bearer(alex.token) });
    expect(requests.json().items).toMatchObject([{ requester: { accountId: sam.accountId }, categories: ['goals'], purpose: 'social-prescribing' }]);
    // Someone else's grant is not the caller's to renew: the same 404 as none at all.
    const other = await createPractitioner(t.app, admin, org);
    expect((await post(await browserLogin(other.handle), `/app/people/${alex.subjectId}/grants/${g.id}/renewal`)).statusCode).toBe(404);
  });
});

describe('delegates and acting for someone', () => {
  it('the person names a delegate on the sharing page (errors next to their field) and ends one', async () => {
    const arthur = await signUpCitizen(t.app, undefined, 'Arthur');
    const bea = await signUpCitizen(t.app, undefined, 'Bea');
    const jar = await browserLogin(arthur.handle);
    const missing = await post(jar, '/app/sharing/delegates', { dlgDelegate: bea.accountId, dlgPowers: ['read-records'], dlgBasis: 'consent' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toMatch(/id="f-dlgExpiresAt-error"/);
    expect(missing.body).toContain('href="#f-dlgExpiresAt"');
    const named = await post(jar, '/app/sharing/delegates', { dlgDelegate: bea.accountId, dlgPowers: ['read-records', 'add-records'], dlgBasis: 'lasting-power-of-attorney', dlgExpiresAt: '2027-03-01' });
    expect(named.statusCode, named.body).toBe(303);
    const page = textOf(await get(jar, '/app/sharing'));
    expect(page).toContain('Bea may read your records and add records for you, under a lasting power of attorney, until 1 March 2027');
    const list = await t.app.inject({ method: 'GET', url: '/v1/me/delegates', headers: bearer(arthur.token) });
    const d = list.json().items[0];
    expect(d).toMatchObject({ delegate: { accountId: bea.accountId }, powers: ['add-records', 'read-records'], basis: 'lasting-power-of-attorney', expiresAt: '2027-03-01T23:59:59.000Z' });
    const ended = await post(jar, `/app/sharing/delegates/${d.id}/end`);
    expect(ended.statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/delegates', headers: bearer(arthur.token) })).json().items[0].status).toBe('revoked');
  });

  it('acting for someone: the token stays on the server, pages act within the powers, others are refused, ending bites on the next load', async () => {
    const arthur = await signUpCitizen(t.app, undefined, 'Arthur');
    const bea = await signUpCitizen(t.app, undefined, 'Bea');
    await addRecord(t.app, arthur, { type: 'goal', effectiveAt: '2026-03-01T10:00:00Z', text: 'Get to the allotment', progress: 3 });
    const id = await nameDelegate(arthur, bea.accountId, ['read-records']);
    const jar = await browserLogin(bea.handle);
    // Bea's own pages offer the people she may act for.
    expect((await get(jar, '/app/')).body).toContain('href="/app/delegations"');
    expect(textOf(await get(jar, '/app/delegations'))).toContain('Arthur: you may read their records, with your consent');
    const act = await post(jar, `/app/delegations/${id}/act`);
    expect(act.statusCode).toBe(303);
    expect(act.headers.location).toBe('/app/');
    // The browser is given the delegation's id only: never a token.
    expect(cookiesOf(act)).toEqual([expect.stringMatching(new RegExp(`^tessera_acting=${id}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`))]);
    const home = await get(jar, '/app/');
    expect(home.statusCode).toBe(200);
    expect(textOf(home)).toContain('You are acting for Arthur');
    expect(textOf(home)).toContain('Arthur’s records');
    expect(textOf(home)).toContain('Get to the allotment');
    expect(home.body).not.toMatch(JWT);
    // Only the pages the powers open are offered; deleting records is never offered.
    expect(home.body).toContain('href="/app/records"');
    for (const href of ['/app/sharing', '/app/account', '/app/records/new', '/app/notifications']) expect(home.body).not.toContain(`href="${href}"`);
    const records = await get(jar, '/app/records');
    expect(records.statusCode).toBe(200);
    expect(records.body).not.toContain('/delete"');
    // Forced, they are refused, and nothing changes.
    for (const url of ['/app/sharing', '/app/account', '/app/records/new', '/app/access-log', '/app/notifications']) {
      const res = await get(jar, url);
      expect(res.statusCode, url).toBe(403);
      expect(textOf(res), url).toContain('not among the things the person allowed you to do');
    }
    for (const [url, fields] of [
      ['/app/records/new?type=goal', { effectiveAt: '2026-03-02T10:00', text: 'x' }],
      ['/app/sharing/delegates', { dlgDelegate: bea.accountId, dlgPowers: 'manage-sharing', dlgBasis: 'consent', dlgExpiresAt: '2027-01-01' }],
      ['/app/account/erase', { password: strongPassword }],
    ] as const) {
      expect((await post(jar, url, fields)).statusCode, url).toBe(403);
    }
    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(arthur.token) });
    expect(mine.json().items).toHaveLength(1);
    // A delegation that is not hers, or no delegation at all, in the cookie: she acts as herself again.
    const other = await signUpCitizen(t.app);
    const notHers = await nameDelegate(other, (await signUpCitizen(t.app)).accountId, ['read-records']);
    for (const forged of [notHers, 'not-a-uuid']) {
      const j = await browserLogin(bea.handle);
      j.set('tessera_acting', forged);
      const res = await get(j, '/app/records');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/app/delegations?done=ended');
      expect(cookiesOf(res).join()).toContain('tessera_acting=; Path=/; Max-Age=0');
    }

    // Arthur ends it: Bea's very next page load acts for no one.
    const end = await t.app.inject({ method: 'DELETE', url: `/v1/me/delegates/${id}`, headers: bearer(arthur.token) });
    expect(end.statusCode).toBe(200);
    const next = await get(jar, '/app/');
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toBe('/app/delegations?done=ended');
    const back = await get(jar, '/app/delegations?done=ended');
    expect(textOf(back)).toContain('The delegation you were acting under has ended');
    expect(textOf(await get(jar, '/app/'))).toContain('Hello, Bea');
  });

  it('a practitioner managing someone’s sharing sees their sharing and notices, never their delegates, and not their own supporter pages while acting', async () => {
    const arthur = await signUpCitizen(t.app, undefined, 'Arthur');
    const carer = await createPractitioner(t.app, admin, org, 'other');
    const sam = await createPractitioner(t.app, admin, org);
    await nameDelegate(arthur, sam.accountId, ['read-records']);
    const id = await nameDelegate(arthur, carer.accountId, ['manage-sharing']);
    await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${arthur.subjectId}/access-requests`,
      headers: bearer(sam.token),
      payload: { access: 'read', categories: ['goals'], purpose: 'social-prescribing' },
    });
    const jar = await browserLogin(carer.handle);
    const act = await post(jar, `/app/delegations/${id}/act`);
    expect(act.headers.location).toBe('/app/sharing');
    const sharing = await get(jar, '/app/sharing');
    expect(sharing.statusCode).toBe(200);
    expect(textOf(sharing)).toContain(`Practitioner ${sam.handle}, link worker at Riverside Social Prescribing asks to read your goals records`);
    expect(sharing.body).not.toContain('id="delegates"');
    expect(sharing.body).toMatch(/Notifications<span class="badge">1</);
    expect(textOf(await get(jar, '/app/notifications'))).toContain('asked to see part of your records');
    for (const url of ['/app/people', '/app/alerts', '/app/referrals', '/app/', '/app/records']) expect((await get(jar, url)).statusCode, url).toBe(403);
    // Stopping, the carer is themselves again.
    const stop = await post(jar, '/app/delegations/stop');
    expect(stop.headers.location).toBe('/app/delegations?done=stopped');
    expect((await get(jar, '/app/people')).statusCode).toBe(200);
  });
});

describe('emergency access', () => {
  it('the person sets a policy; a named organisation breaks glass with a reason; the person is told, flags it; the organisation sees the flag', async () => {
    const alex = await signUpCitizen(t.app, undefined, 'Alex');
    await addRecord(t.app, alex, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
    const ooh = await createOrganisation(t.app, admin, 'gp-practice', 'Out of Hours Service');
    const doctor = await createPractitioner(t.app, admin, ooh, 'gp');
    const elsewhere = await createPractitioner(t.app, admin, org);
    const alexJar = await browserLogin(alex.handle);
    expect(textOf(await get(alexJar, '/app/sharing'))).toContain('nobody can break glass on your records');
    const tooLong = await post(alexJar, '/app/sharing/emergency-policy', { emOrganisations: ooh, emCategories: ['mental-wellbeing'], emMaxMinutes: '500' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('id="f-emMaxMinutes-error"');
    const saved = await post(alexJar, '/app/sharing/emergency-policy', { emOrganisations: ooh, emCategories: ['mental-wellbeing'], emMaxMinutes: '60' });
    expect(saved.statusCode, saved.body).toBe(303);
    expect(textOf(await get(alexJar, '/app/sharing'))).toContain('Practitioners of Out of Hours Service may open emergency access to your mental wellbeing records, read-only, for at most 60 minutes');

    // Without a grant the person's page is "No access", with the way to break glass.
    const docJar = await browserLogin(doctor.handle);
    const none = await get(docJar, `/app/people/${alex.subjectId}`);
    expect(none.statusCode).toBe(404);
    expect(none.body).toContain('href="/app/people#emergency"');
    const short = await post(docJar, '/app/people/emergency', { emSubjectId: alex.subjectId, emReason: 'urgent' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="f-emReason-error"');
    // An organisation the policy does not name gets the answer a person who does not exist gets.
    const refused = await post(await browserLogin(elsewhere.handle), '/app/people/emergency', { emSubjectId: alex.subjectId, emReason: 'Unconscious, need medication history' });
    const nobody = await post(docJar, '/app/people/emergency', { emSubjectId: '00000000-0000-4000-8000-000000000000', emReason: 'Unconscious, need medication history' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused)).toContain('No such person');
    expect(textOf(nobody)).toContain('No such person');
    const opened = await post(docJar, '/app/people/emergency', { emSubjectId: alex.subjectId, emReason: 'Unconscious, need medication history' });
    expect(opened.statusCode, opened.body).toBe(303);
    expect(opened.headers.location).toBe(`/app/people/${alex.subjectId}?done=emergency-opened`);
    const slice = textOf(await get(docJar, opened.headers.location as string));
    expect(slice).toContain('Emergency access is open');
    expect(slice).toContain('You may read their mental wellbeing records');
    expect(slice).toContain('PHQ-9');
    // Read-only: no referral under an emergency grant.
    expect(slice).not.toContain('Refer this person');

    // Alex is told at once, sees the reason, and flags it.
    const notices = textOf(await get(alexJar, '/app/notifications'));
    expect(notices).toContain(`Practitioner ${doctor.handle}, GP at Out of Hours Service opened emergency access to your records.`);
    const sharing = await get(alexJar, '/app/sharing');
    expect(textOf(sharing)).toContain('Their reason: “Unconscious, need medication history”');
    const grantId = /action="\/app\/sharing\/emergency\/([0-9a-f-]{36})\/flag"/.exec(sharing.body)![1]!;
    const flagged = await post(alexJar, `/app/sharing/emergency/${grantId}/flag`, { statement: 'I was awake and could have been asked' });
    expect(flagged.statusCode).toBe(303);
    expect(textOf(await get(alexJar, '/app/sharing'))).toMatch(/You flagged this as unjustified on/);
    const log = textOf(await get(alexJar, '/app/access-log'));
    expect(log).toContain('opened emergency access');
    expect(log).toContain('You flagged an emergency access as unjustified.');

    // The organisation sees the flag and the statement; the doctor is told.
    const people = textOf(await get(docJar, '/app/people'));
    expect(people).toMatch(/Flagged as unjustified by the person on/);
    expect(people).toContain('Their statement: “I was awake and could have been asked”');
    expect(textOf(await get(docJar, '/app/notifications'))).toContain('The person flagged an emergency access as unjustified.');
  });
});
