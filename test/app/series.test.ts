/**
 * Dense series in a real browser (docs/performance.md "Dense series"): two days of minute
 * heart rate imported through the API (one by the person's GP under an append grant, one by the
 * person) are two items, one a UTC day, each said in a few words on the records list and on its
 * own page. A day of a device's readings cannot be disputed, even the GP's, so its page offers no
 * dispute form but a note and the way to delete the day, which works with the keyboard alone. Charts take each day as one point, its mean (no NaN); a supporter's slice shows the same words.
 * Every page passes axe, the person's at 360 px too; nothing leaves the origin.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let gp: Staff;

const DAY1 = Date.UTC(2026, 2, 1);
const minute = (m: number) => new Date(DAY1 + m * 60_000).toISOString();

/** Two days of minute readings in Open mHealth JSON, 58 to 131 beats a minute each day. */
const twoDays = Array.from({ length: 2 * 1440 }, (_, m) => ({
  header: { schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' } },
  body: { heart_rate: { value: 58 + (m % 74), unit: 'beats/min' }, effective_time_frame: { date_time: minute(m) } },
}));

/** Imports through the API; more than 1000 entries answer 202 and run as a job, polled here. */
async function importReadings(token: string, url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await t.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  expect([201, 202], res.body).toContain(res.statusCode);
  let status = res.json();
  for (const until = Date.now() + 60_000; status.status === 'running' && Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await t.app.inject({ method: 'GET', url: res.headers.location as string, headers: bearer(token) })).json();
  }
  return status;
}

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('series')]);
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice', 'Hillside Surgery'), 'gp');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('two days of imported heart rate: summarised on the list and the record page, not disputable, deleted from its page with the keyboard', async () => {
  const pat = await signUpCitizen(t.app, undefined, 'Pat');
  // The GP's day is the one a dispute form would be offered for, were it an ordinary record.
  await grant(t.app, pat, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['health-status'] });
  expect(await importReadings(gp.token, `/v1/subjects/${pat.subjectId}/imports`, twoDays.slice(0, 1440))).toMatchObject({ status: 'completed', added: 1440 });
  expect(await importReadings(pat.token, '/v1/me/imports', twoDays.slice(1440))).toMatchObject({ status: 'completed', added: 1440 });
  // An ordinary heart-rate record beside them: the chart has it and one point a day, the day's mean.
  await addRecord(t.app, pat, { type: 'heart-rate', effectiveAt: minute(600), value: 72 });
  const items = (await t.app.inject({ method: 'GET', url: '/v1/me/records?type=heart-rate', headers: bearer(pat.token) })).json().items as { id: string; series?: unknown }[];
  const [day2, day1] = items.filter((i) => i.series).map((i) => i.id);
  expect(day2 && day1).toBeTruthy();
  const summary = '1,440 readings, 58–131 /min, 00:00–23:59 UTC';

  const page = await (await browser.newContext()).newPage();
  await logIn(page, t.url, pat.handle, strongPassword);
  await page.waitForURL(`${t.url}/app/`);
  // Home: one heart-rate chart of the two days and the record; nothing in it is NaN.
  const chart = page.getByRole('img', { name: 'Heart rate: change over time' });
  expect(await chart.locator('circle.point').count()).toBe(3);
  expect(await page.locator('main').innerHTML()).not.toContain('NaN');
  await checkPage(browser, page, 'series-home');

  await page.goto(`${t.url}/app/records`);
  const rows = page.locator('tbody tr');
  expect(await rows.count()).toBe(3);
  expect(await rows.locator('td', { hasText: summary }).count()).toBe(2);
  expect(await rows.nth(1).textContent()).toContain('72 /min');
  await checkNarrow(browser, page, 'series-records');

  // The GP's day, reached with the keyboard alone.
  await tabTo(page, `a[href="/app/records/${day1}"]`, 'Enter');
  await page.waitForURL(`${t.url}/app/records/${day1}`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Heart rate, 1 Mar 2026, 00:00 UTC');
  const main = (await page.locator('main').textContent())!;
  expect(main).toContain(summary);
  expect(main).toMatch(/Written by: .*GP at Hillside Surgery/);
  expect(main).toContain('cannot be disputed one by one');
  expect(main).not.toContain('Dispute this record');
  expect(await page.locator('form[action$="/dispute"]').count()).toBe(0);
  await checkNarrow(browser, page, 'series-record');

  // A supporter's slice says the same, and charts the same three points.
  await grant(t.app, pat, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['health-status'] });
  const gpPage = await (await browser.newContext()).newPage();
  await logIn(gpPage, t.url, gp.handle, strongPassword);
  await gpPage.goto(`${t.url}/app/people/${pat.subjectId}`);
  expect(await gpPage.locator('tbody td', { hasText: summary }).count()).toBe(2);
  expect(await gpPage.getByRole('img', { name: 'Heart rate: change over time' }).locator('circle.point').count()).toBe(3);
  expect(await gpPage.locator('main').innerHTML()).not.toContain('NaN');
  await checkPage(browser, gpPage, 'series-slice');

  // Deleting the day from its page, with the keyboard: that day's chunk goes, the other stays.
  await tabTo(page, `form[action="/app/records/${day1}/delete"] button`, 'Enter');
  await page.waitForURL(`${t.url}/app/records?done=deleted`);
  expect(await page.getByRole('status').textContent()).toContain('The record was deleted.');
  expect(await rows.count()).toBe(2);
  expect(await page.locator(`a[href="/app/records/${day1}"]`).count()).toBe(0);
  expect(await page.locator(`a[href="/app/records/${day2}"]`).count()).toBe(1);
  await checkPage(browser, page, 'series-deleted');
  expect((await t.app.inject({ method: 'GET', url: `/v1/me/records/${day1}`, headers: bearer(pat.token) })).statusCode).toBe(404);

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 150_000);
