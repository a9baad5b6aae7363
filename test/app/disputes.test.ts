/**
 * A dispute in a real browser (issue 14): a GP writes a PHQ-9 into the person's store under an
 * append grant (through the API); the person opens it from their records and disputes it with
 * the keyboard alone (a blank statement first, refused next to the field); the GP's practice
 * answers it on /app/disputes as amended, with the same answer inputs the add-record page uses;
 * the person sees the answer and follows the link to the corrected record. Every page passes
 * axe, the person's at 360 px too; nothing leaves the origin.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { createAdmin, createOrganisation, createPractitioner, grant, supporterWrites, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let gp: Staff;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('disputes')]);
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice', 'Hillside Surgery'), 'gp');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('GP writes a record → the person disputes it with the keyboard → the GP amends it on /app/disputes → the person sees the outcome', async () => {
  const pat = await signUpCitizen(t.app, undefined, 'Pat');
  await grant(t.app, pat, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['mental-wellbeing'] });
  const recordId = await supporterWrites(t.app, gp, pat.subjectId, { type: 'phq9', effectiveAt: '2026-05-01T09:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 3, 0] });

  // Pat finds the GP's record in the list and opens it, with the keyboard alone.
  const patPage = await (await browser.newContext()).newPage();
  await logIn(patPage, t.url, pat.handle, strongPassword);
  await patPage.goto(`${t.url}/app/records`);
  await checkPage(browser, patPage, 'records-list');
  await tabTo(patPage, `a[href="/app/records/${recordId}"]`, 'Enter');
  await patPage.waitForURL(`${t.url}/app/records/${recordId}`);
  expect(await patPage.locator('main').textContent()).toMatch(/Written by: .*GP at Hillside Surgery/);
  await checkNarrow(browser, patPage, 'record-dispute-form');

  // A blank statement is refused next to the field; then the real one is sent.
  await tabTo(patPage, 'form[action$="/dispute"] button', 'Enter');
  await patPage.waitForURL(`${t.url}/app/records/${recordId}/dispute`);
  const field = patPage.getByLabel('What is wrong with this record');
  expect(await field.getAttribute('aria-invalid')).toBe('true');
  expect(await patPage.locator('#f-statement-error').textContent()).toMatch(/statement|blank|characters/i);
  await checkPage(browser, patPage, 'record-dispute-error');
  await tabTo(patPage, '#f-statement', 'Shift+KeyI');
  await patPage.keyboard.type(' never said I felt like this every day');
  await tabTo(patPage, 'form[action$="/dispute"] button', 'Enter');
  await patPage.waitForURL(`${t.url}/app/records/${recordId}?done=disputed`);
  const disputed = (await patPage.locator('main').textContent())!;
  expect(disputed).toContain('Disputed: waiting for an answer from the one who wrote it.');
  expect(disputed).toContain('Statement: “I never said I felt like this every day”');
  expect(await patPage.locator('form[action$="/dispute"]').count()).toBe(0);
  await checkNarrow(browser, patPage, 'record-disputed');

  // The GP is told, finds it on /app/disputes and answers it as amended.
  const gpPage = await (await browser.newContext()).newPage();
  await logIn(gpPage, t.url, gp.handle, strongPassword);
  await gpPage.getByRole('link', { name: 'Disputes' }).click();
  await gpPage.waitForURL(`${t.url}/app/disputes`);
  const card = gpPage.locator('main li.card').first();
  expect(await card.textContent()).toContain('Statement: “I never said I felt like this every day”');
  expect(await card.locator('h2').textContent()).toMatch(/^Patient Health Questionnaire \(PHQ-9\), 1 May 2026/);
  await checkPage(browser, gpPage, 'disputes-open');
  await gpPage.getByRole('link', { name: /^Answer this dispute: Patient Health Questionnaire/ }).click();
  await gpPage.getByRole('radio', { name: /^Amended/ }).check();
  await gpPage.getByLabel('Why, for the person').fill('You are right: I entered the answers from the wrong form.');
  for (const [i, v] of [1, 1, 1, 1, 1, 1, 1, 1, 0].entries()) {
    await gpPage.locator(`fieldset#f-answers-${i}`).getByRole('radio', { name: new RegExp(`^${v}( –|$)`) }).check();
  }
  await checkPage(browser, gpPage, 'dispute-answer');
  await gpPage.getByRole('button', { name: 'Send answer' }).click();
  await gpPage.waitForURL(`${t.url}/app/disputes?done=resolved`);
  expect(await gpPage.locator('main').textContent()).toMatch(/Amended — Amended on/);
  await checkPage(browser, gpPage, 'disputes-resolved');

  // Pat is told, sees the GP's answer and follows the link to the corrected record.
  await patPage.goto(`${t.url}/app/records/${recordId}`);
  expect(await patPage.getByRole('link', { name: 'Notifications 1 unread' }).count()).toBe(1);
  const outcome = (await patPage.locator('main').textContent())!;
  expect(outcome).toContain('Disputed and corrected: a new record replaces this one.');
  expect(outcome).toContain('Their answer: “You are right: I entered the answers from the wrong form.”');
  await checkNarrow(browser, patPage, 'record-amended');
  await tabTo(patPage, 'main a:text("The record that replaces it")', 'Enter');
  await patPage.waitForURL((u) => /^\/app\/records\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(recordId));
  const corrected = (await patPage.locator('main').textContent())!;
  expect(corrected).toContain('This record corrects an earlier one after a dispute:');
  expect(corrected).toContain('8 (Mild)');
  expect(await patPage.getByRole('link', { name: 'the record it replaces' }).getAttribute('href')).toBe(`/app/records/${recordId}`);
  await checkNarrow(browser, patPage, 'record-correction');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 180_000);
