/**
 * The consent story in a real browser (issue 11): a link worker asks for access, the person
 * approves it narrowed, the link worker sees exactly that slice with charts, the person sees
 * the read in their log and revokes it, and the link worker's next page load shows no access.
 * The person's part is done with the keyboard alone. Every page passes axe.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { strongPassword, uniqueHandle } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { createAdmin, createOrganisation, createPractitioner, type Staff } from '../helpers/consent.js';
import { signUpInBrowser, addRecordInBrowser, logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let sam: Staff;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('consent')]);
  const admin = await createAdmin(t);
  const org = await createOrganisation(t.app, admin, 'social-prescribing', 'Riverside Social Prescribing');
  sam = await createPractitioner(t.app, admin, org, 'link-worker');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('request → narrowed approval → the slice with charts → the read in the log → revocation → no access', async () => {
  const alexContext = await browser.newContext();
  const samContext = await browser.newContext();
  const alex = await alexContext.newPage();
  const samPage = await samContext.newPage();

  // Alex signs up and keeps three kinds of record.
  await signUpInBrowser(alex, t.url, uniqueHandle('alex'), 'Alex');
  await addRecordInBrowser(alex, t.url, 'swemwbs', { answers: [3, 4, 3, 4, 3, 4, 3] }, '2026-03-01T10:00');
  await addRecordInBrowser(alex, t.url, 'swemwbs', { answers: [4, 4, 4, 4, 4, 4, 4] }, '2026-04-01T10:00');
  await addRecordInBrowser(alex, t.url, 'ucla3', { answers: [2, 2, 3] }, '2026-03-02T10:00');
  await addRecordInBrowser(alex, t.url, 'goal', { text: 'Walk to the allotment twice a week', progress: '4' }, '2026-03-01T10:05');
  await alex.goto(`${t.url}/app/account`);
  const subjectId = (await alex.locator('dd code').textContent())!.trim();
  expect(subjectId).toMatch(/^[0-9a-f-]{36}$/);

  // Sam asks for mental wellbeing, social connections and goals.
  await logIn(samPage, t.url, sam.handle, strongPassword);
  await expect.poll(() => samPage.url()).toBe(`${t.url}/app/people`);
  await checkPage(browser, samPage, 'people-empty');
  const ask = samPage.locator('form[action="/app/people/request"]');
  await ask.getByLabel('Their store id').fill(subjectId);
  for (const c of ['Mental wellbeing', 'Social connections', 'My goals']) await ask.getByRole('checkbox', { name: c, exact: true }).check();
  await ask.getByLabel('Why').selectOption('social-prescribing');
  await ask.getByLabel('In your own words (optional)').fill('to plan your support together');
  await ask.getByRole('button', { name: 'Send request' }).click();
  await expect.poll(() => samPage.getByRole('status').textContent()).toContain('Your request was sent');

  // Alex approves it, narrowed to two of the three categories, with the keyboard alone.
  await alex.goto(`${t.url}/app/sharing`);
  const request = alex.locator('.card', { hasText: 'asks to read your' });
  await expect.poll(() => request.textContent()).toContain('mental wellbeing, social connections and goals records');
  expect(await request.textContent()).toContain(`Practitioner ${sam.handle}, link worker at Riverside Social Prescribing`);
  await checkPage(browser, alex, 'sharing-request');
  const socialBox = request.getByRole('checkbox', { name: 'Social connections' });
  const socialId = await socialBox.getAttribute('id');
  await tabTo(alex, `#${socialId}`, 'Space');
  expect(await socialBox.isChecked()).toBe(false);
  await tabTo(alex, `form[action$="/approve"] button`, 'Enter');
  await alex.waitForURL(/\/app\/sharing\/grants\/[0-9a-f-]+\?done=granted$/);
  const receipt = (await alex.locator('main').textContent())!;
  expect(receipt).toContain('can read your mental wellbeing and goals records');
  expect(receipt).not.toContain('social connections');
  expect(await alex.locator('.receipt').first().textContent()).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  await checkPage(browser, alex, 'grant-receipt');

  // Sam sees exactly that slice, charted, with the grant's limits.
  await samPage.goto(`${t.url}/app/people`);
  await checkPage(browser, samPage, 'people');
  await samPage.getByRole('link', { name: `Person ${subjectId.slice(0, 8)}` }).click();
  await samPage.waitForURL(`${t.url}/app/people/${subjectId}`);
  const chart = samPage.getByRole('img', { name: /Short Warwick–Edinburgh Mental Wellbeing Scale \(SWEMWBS\): change over time/ });
  expect(await chart.count()).toBe(1);
  const slice = (await samPage.locator('main').textContent())!;
  expect(slice).toContain('You may read their mental wellbeing and goals records');
  expect(slice).toContain('Walk to the allotment twice a week');
  expect(slice).not.toContain('UCLA-3');
  await samPage.getByText('Show the values as a table').first().click();
  expect(await samPage.locator('figure').first().getByRole('cell', { name: '21.54' }).count()).toBe(1);
  await checkNarrow(browser, samPage, 'person-slice');

  // Alex sees the read in the access log, and when it happened on the sharing page.
  await alex.goto(`${t.url}/app/access-log`);
  const read = alex.locator('.timeline li', { hasText: `Practitioner ${sam.handle}, link worker at Riverside Social Prescribing read 3 records.` });
  expect(await read.count()).toBeGreaterThanOrEqual(1);
  await checkPage(browser, alex, 'access-log');
  await alex.goto(`${t.url}/app/sharing`);
  expect(await alex.locator('main').textContent()).toContain('last read just now');

  // Alex revokes in one keystroke; the receipt of the revocation is shown.
  await tabTo(alex, 'form[action$="/revoke"] button', 'Enter');
  await alex.waitForURL(/\?done=revoked$/);
  expect(await alex.getByRole('heading', { level: 1 }).textContent()).toBe('Access revoked');
  expect(await alex.locator('.receipt').first().textContent()).toMatch(/^eyJ/);
  await checkPage(browser, alex, 'revoked-receipt');

  // Sam's very next page load shows no access.
  await samPage.reload();
  expect(await samPage.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
  await checkPage(browser, samPage, 'no-access');
  await samPage.goto(`${t.url}/app/people`);
  expect(await samPage.locator('main').textContent()).toContain('No one has given you access yet.');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 120_000);

export type { Page };
