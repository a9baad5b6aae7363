/**
 * Watches and live alerts in a real browser: a link worker sets a watch on a person's slice,
 * the person's new record raises an alert that appears on the open alerts page without a
 * reload (server-sent events, authenticated by the session cookie), the link worker
 * acknowledges it, and the person sees and removes the watch. Every page passes axe.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, type Browser } from '../helpers/browser.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let sam: Staff;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('alerts')]);
  const admin = await createAdmin(t);
  sam = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'social-prescribing', 'Riverside Social Prescribing'));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('a watch set in the app raises a live alert, acknowledged in the app; the person removes the watch', async () => {
  const person = await signUpCitizen(t.app, undefined, 'Robin');
  await grant(t.app, person, { grantee: { accountId: sam.accountId }, categories: ['mental-wellbeing'], purpose: 'social-prescribing' });
  const first = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(person.token), payload: { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] } });
  expect(first.statusCode).toBe(201);

  const page = await (await browser.newContext()).newPage();
  await logIn(page, t.url, sam.handle, strongPassword);
  await page.goto(`${t.url}/app/people/${person.subjectId}`);
  // A flag the type does not raise: the API's message, next to the field.
  await page.getByLabel('Type').selectOption('phq9');
  await page.getByLabel('Alert when').selectOption('flag');
  await page.getByLabel('Flag').fill('no-such-flag');
  await page.getByRole('button', { name: 'Set watch' }).click();
  expect(await page.locator('#f-flag-error').textContent()).toContain('self-harm-risk');
  await checkPage(browser, page, 'watch-error');
  await page.getByLabel('Type').selectOption('phq9');
  await page.getByLabel('Alert when').selectOption('ge');
  await page.getByLabel('Number').fill('15');
  await page.getByRole('button', { name: 'Set watch' }).click();
  await page.waitForURL(/done=watch-added$/);
  expect(await page.locator('main').textContent()).toContain('Patient Health Questionnaire (PHQ-9): score ge 15');
  await checkPage(browser, page, 'person-watch');

  await page.goto(`${t.url}/app/alerts`);
  expect(await page.locator('main').textContent()).toContain('No alerts.');
  await checkPage(browser, page, 'alerts-empty');
  // Wait until the stream is open, then the person adds a record that matches.
  await page.locator('#alerts[data-live="open"]').waitFor({ state: 'attached' });
  const severe = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(person.token), payload: { type: 'phq9', effectiveAt: '2026-04-01T10:00:00Z', answers: [2, 2, 2, 2, 2, 2, 2, 2, 0] } });
  expect(severe.statusCode).toBe(201);
  const live = page.locator('#alerts li.unacked');
  await expect.poll(() => live.count(), { timeout: 10_000 }).toBe(1);
  expect(await live.textContent()).toContain('Matched: score 16 (ge 15)');
  expect(await page.getByRole('status').textContent()).toContain('New alert: Patient Health Questionnaire (PHQ-9)');
  await checkNarrow(browser, page, 'alerts-live');

  // Acknowledged from the live item's own form.
  await live.getByRole('button', { name: /^Acknowledge/ }).click();
  await page.waitForURL(`${t.url}/app/alerts`);
  expect(await page.locator('#alerts li.unacked').count()).toBe(0);
  expect(await page.locator('#alerts').textContent()).toContain('acknowledged');
  await checkPage(browser, page, 'alerts-acked');

  // The person sees who watches what, and removes it; the link worker's feed is told.
  const own = await (await browser.newContext()).newPage();
  await logIn(own, t.url, person.handle, strongPassword);
  await own.goto(`${t.url}/app/sharing`);
  const watch = own.locator('li', { hasText: 'Patient Health Questionnaire (PHQ-9), score ge 15' });
  expect(await watch.count()).toBe(1);
  await checkPage(browser, own, 'sharing-watch');
  await watch.getByRole('button', { name: /^Remove the watch/ }).click();
  await own.waitForURL(/done=watch-removed$/);
  expect(await own.locator('main').textContent()).toContain('No one has set a watch on your records.');
  await page.reload();
  expect(await page.locator('#alerts').textContent()).toContain('The person removed this watch.');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 120_000);
