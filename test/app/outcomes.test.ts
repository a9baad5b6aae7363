/**
 * Outcome reporting in a real browser: a commissioner asks the outcomes page for the mean change
 * in SWEMWBS across the people who consented, and a question about fewer than 8 people shows
 * "fewer than 8", never a number. A person's home chart states the trends API's change since
 * the first result and whether it is meaningful. Every page passes axe.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword, type Citizen } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, type Browser } from '../helpers/browser.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let casey: Staff;
const people: Citizen[] = [];

async function record(c: Citizen, payload: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(c.token), payload });
  expect(res.statusCode, res.body).toBe(201);
}

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('outcomes')]);
  const admin = await createAdmin(t);
  const icb = await createOrganisation(t.app, admin, 'other', 'Riverside ICB');
  casey = await createPractitioner(t.app, admin, icb, 'other');
  // Ten people, SWEMWBS raw 21 (19.25) in January; in March the odd ones 28 (25.03), the even ones 23 (20.73).
  for (let i = 1; i <= 10; i++) {
    const p = await signUpCitizen(t.app, undefined, `Person ${i}`);
    people.push(p);
    await grant(t.app, p, { grantee: { organisationId: icb }, access: 'aggregate', purpose: 'outcome-reporting', categories: ['mental-wellbeing'] });
    await record(p, { type: 'swemwbs', effectiveAt: '2026-01-12T10:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3] });
    await record(p, { type: 'swemwbs', effectiveAt: '2026-03-16T10:00:00Z', answers: i % 2 ? [4, 4, 4, 4, 4, 4, 4] : [3, 3, 3, 3, 3, 4, 4] });
    if (i <= 3) await record(p, { type: 'gad7', effectiveAt: '2026-02-10T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1] });
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('a commissioner reads the mean change, and a group of fewer than 8 shows as "fewer than 8"', async () => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, t.url, casey.handle, strongPassword);
  await page.getByRole('link', { name: 'Outcomes' }).click();
  await page.waitForURL(`${t.url}/app/outcomes`);
  await checkPage(browser, page, 'outcomes-form');

  await page.getByLabel('Measure').selectOption('swemwbs');
  await page.getByLabel('What to count').selectOption('change');
  await page.getByLabel('First month').fill('2026-01');
  await page.getByLabel('Last month').fill('2026-03');
  await page.getByRole('button', { name: 'Show outcomes' }).click();
  const row = page.locator('tbody tr').first();
  expect(await row.locator('th').textContent()).toBe('Everyone counted');
  expect(await row.locator('td').allTextContents()).toEqual(['10', '3.63']);
  await checkPage(browser, page, 'outcomes-change');

  await page.getByLabel('Measure').selectOption('swemwbs');
  await page.getByLabel('What to count').selectOption('mean');
  await page.getByLabel('First month').fill('2026-01');
  await page.getByLabel('Last month').fill('2026-03');
  await page.getByRole('checkbox', { name: 'Month' }).check();
  await page.getByRole('button', { name: 'Show outcomes' }).click();
  expect(await page.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent))).toEqual(['2026-011019.25', '2026-020—', '2026-031022.88']);

  await page.getByLabel('Measure').selectOption('gad7');
  await page.getByLabel('What to count').selectOption('count');
  await page.getByLabel('First month').fill('2026-01');
  await page.getByLabel('Last month').fill('2026-03');
  await page.getByRole('button', { name: 'Show outcomes' }).click();
  // Still by month: January and March nobody (0), February three people, shown as fewer than 8.
  expect(await page.locator('tbody tr td').allTextContents()).toEqual(['0', '0', 'fewer than 8', '—', '0', '0']);
  expect(await page.locator('tfoot td').first().textContent()).toBe('0');
  await checkPage(browser, page, 'outcomes-suppressed');
  await checkNarrow(browser, page, 'outcomes-suppressed');

  // A window that is not a whole month, quarter, half-year or year: the API's message, by the field.
  await page.getByLabel('First month').fill('2026-02');
  await page.getByLabel('Last month').fill('2026-04');
  await page.getByRole('button', { name: 'Show outcomes' }).click();
  expect(await page.locator('#f-from-error').textContent()).toContain('quarter');
  await checkPage(browser, page, 'outcomes-error');

  // Each person counted sees the question in their own access log.
  const log = await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=1', headers: bearer(people[0]!.token) });
  expect(log.json().items[0]).toMatchObject({ action: 'outcomes.query', actor: { accountId: casey.accountId } });
});

it('a person’s home chart states the change since the first result from the trends API', async () => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, t.url, people[0]!.handle, strongPassword);
  await page.goto(`${t.url}/app/`);
  const chart = page.locator('figure.chart').filter({ has: page.getByRole('img', { name: /SWEMWBS/ }) });
  expect(await chart.locator('p.trend').textContent()).toBe('Since the first result: +5.78, better, a meaningful change.');
  await checkPage(browser, page, 'home-trend');
});
