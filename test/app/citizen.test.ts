/**
 * A citizen's own story in a real browser: sign up, add a SWEMWBS and a goal and see them
 * charted, filter the records, give access with the preview shown first, download an export
 * and erase everything with the password. API errors appear next to the field they name. Every
 * page passes axe, at desktop width and at 360 px.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bearer, login, strongPassword, uniqueHandle } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, expectNoReadableSecrets, launchBrowser, type Browser } from '../helpers/browser.js';
import { createAdmin, createOrganisation, createPractitioner, type Staff } from '../helpers/consent.js';
import { addRecordInBrowser, logIn, signUpInBrowser } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let gp: Staff;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('citizen')]);
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice', 'Hillside Surgery'), 'gp');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('sign up, add a SWEMWBS and a goal, see them charted, give access with a preview, export, erase', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const handle = uniqueHandle('jo');

  await page.goto(`${t.url}/app/login`);
  await checkNarrow(browser, page, 'login');
  await page.goto(`${t.url}/app/signup`);
  // The API's own messages, next to each field they name.
  await page.getByLabel('Handle').fill('x');
  await page.getByLabel('Password').fill('short');
  await page.getByLabel('Display name').fill('Jo');
  await page.getByRole('button', { name: 'Create account' }).click();
  expect(await page.locator('#f-handle-error').textContent()).toMatch(/\S/);
  expect(await page.locator('#f-password-error').textContent()).toMatch(/12/);
  expect(await page.getByLabel('Password').getAttribute('aria-describedby')).toContain('f-password-error');
  await checkNarrow(browser, page, 'signup-errors');
  await signUpInBrowser(page, t.url, handle, 'Jo');
  await checkPage(browser, page, 'home-empty');
  await expectNoReadableSecrets(page);

  await page.goto(`${t.url}/app/records/new`);
  await checkPage(browser, page, 'record-choose');
  await page.getByRole('link', { name: /SWEMWBS/ }).click();
  // Every item with its answer labels where the licence allows (here, the ends of the scale).
  expect(await page.locator('fieldset legend').allTextContents()).toContain('1. Optimism about the future');
  expect(await page.getByRole('radio', { name: '1 – None of the time' }).count()).toBe(7);
  await checkNarrow(browser, page, 'record-swemwbs');
  await page.getByRole('button', { name: 'Save record' }).click();
  expect(await page.locator('#f-answers-0-error').textContent()).toBe('Choose an answer');
  await checkPage(browser, page, 'record-swemwbs-errors');
  await addRecordInBrowser(page, t.url, 'swemwbs', { answers: [3, 3, 3, 3, 3, 3, 3] }, '2026-03-01T10:00');
  await addRecordInBrowser(page, t.url, 'goal', { text: 'Join the walking group', progress: '6' }, '2026-03-01T10:05');
  // More history, added through the API by the same person (the form is the same for every type).
  const { token } = await login(t.app, handle, strongPassword);
  for (const body of [
    { type: 'swemwbs', effectiveAt: '2026-05-01T09:00:00Z', answers: [4, 4, 4, 4, 3, 4, 4] },
    { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [2, 2, 2, 2, 2, 1, 1, 1, 0] },
    { type: 'phq9', effectiveAt: '2026-05-01T09:00:00Z', answers: [1, 1, 1, 1, 1, 0, 0, 0, 0] },
  ]) {
    expect((await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(token), payload: body })).statusCode).toBe(201);
  }

  // A measure out of range: the API's message sits next to the value.
  await page.goto(`${t.url}/app/records/new?type=blood-glucose`);
  await page.locator('input[name="value"]').fill('99');
  await page.getByRole('button', { name: 'Save record' }).click();
  expect(await page.locator('#f-value-error').textContent()).toContain('must be between');

  await page.goto(`${t.url}/app/`);
  const swemwbs = page.getByRole('img', { name: /SWEMWBS\): change over time/ });
  expect(await swemwbs.count()).toBe(1);
  const phq = page.getByRole('img', { name: /PHQ-9\): change over time/ });
  expect(await phq.locator('.band rect').count()).toBe(5);
  // A drop of 8 on the PHQ-9 (13 → 5) is more than its meaningful change (5): ringed, and said in the table.
  expect(await phq.locator('circle.meaningful').count()).toBe(1);
  expect(await page.locator('figure', { has: phq }).locator('td', { hasText: 'Meaningful change (-8)' }).count()).toBe(1);
  expect(await page.getByRole('meter').count()).toBe(1);
  await checkNarrow(browser, page, 'home');

  await page.goto(`${t.url}/app/records`);
  await page.getByLabel('Type').selectOption('swemwbs');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  expect(await page.locator('tbody tr').count()).toBe(2);
  await checkNarrow(browser, page, 'records-filtered');
  await page.getByLabel('From', { exact: true }).fill('2026-06-01');
  await page.getByLabel('To', { exact: true }).fill('2026-01-01');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  expect(await page.locator('#f-to-error').textContent()).toBe('must not be before from');

  // Give the GP access to mental wellbeing: preview first, then the receipt.
  await page.goto(`${t.url}/app/sharing`);
  await checkNarrow(browser, page, 'sharing-empty');
  await page.getByLabel('Their Tessera id').fill('not-an-id');
  await page.getByRole('button', { name: 'Preview' }).click();
  expect(await page.locator('#f-grantee-error').textContent()).toContain('UUID');
  expect(await page.locator('#f-categories-error').textContent()).toMatch(/fewer than 1/);
  await checkPage(browser, page, 'sharing-give-errors');
  await page.getByLabel('Their Tessera id').fill(gp.accountId);
  await page.locator('form[action="/app/sharing/preview"]').getByRole('checkbox', { name: 'Mental wellbeing', exact: true }).check();
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.waitForURL(`${t.url}/app/sharing/preview`);
  const preview = (await page.locator('main').textContent())!;
  expect(preview).toContain(`Practitioner ${gp.handle}, GP at Hillside Surgery can read your mental wellbeing records`);
  expect(preview).toContain('They would see 4 records now:');
  await checkNarrow(browser, page, 'sharing-preview');
  await page.getByRole('button', { name: 'Give access' }).click();
  await page.waitForURL(/\/app\/sharing\/grants\/.*\?done=granted$/);
  await page.goto(`${t.url}/app/sharing`);
  expect(await page.locator('main').textContent()).toContain('Hillside Surgery can read your mental wellbeing records, until');
  expect(await page.locator('main').textContent()).toContain('not read yet');
  await checkPage(browser, page, 'sharing');

  // The GP reads the slice; the person's log says so in words.
  const gpPage = await (await browser.newContext()).newPage();
  await logIn(gpPage, t.url, gp.handle, strongPassword);
  await gpPage.getByRole('link', { name: /^Person / }).click();
  expect(await gpPage.getByRole('img', { name: /PHQ-9\): change over time/ }).count()).toBe(1);
  await page.goto(`${t.url}/app/access-log`);
  expect(await page.locator('.timeline').textContent()).toContain(`Practitioner ${gp.handle}, GP at Hillside Surgery read 4 records.`);

  // Export: the download is the API's JSON export.
  await page.goto(`${t.url}/app/account`);
  await checkNarrow(browser, page, 'account');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download as JSON' }).click()]);
  const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as { format: string; records: unknown[]; grants: unknown[] };
  expect(exported.format).toBe('tessera-export');
  expect(exported.records).toHaveLength(5);
  expect(exported.grants).toHaveLength(1);

  // Erasure needs the password; a wrong one is said next to the field and erases nothing.
  await page.getByLabel('Password').fill('not my password at all');
  await page.getByRole('button', { name: 'Erase my data' }).click();
  expect(await page.locator('#f-password-error').textContent()).toContain('nothing was erased');
  await page.getByLabel('Password').fill(strongPassword);
  await page.getByRole('button', { name: 'Erase my data' }).click();
  await page.waitForURL(`${t.url}/app/login?done=erased`);
  expect(await page.getByRole('status').textContent()).toContain('Your data has been erased');
  await logIn(page, t.url, handle, strongPassword);
  expect(await page.locator('#f-password-error').textContent()).toBe('The handle or password is not right.');
  await gpPage.reload();
  expect(await gpPage.getByRole('heading', { level: 1 }).textContent()).toBe('No access');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 150_000);
