/**
 * Emergency access in a real browser (issue 14): the person names an out-of-hours service in
 * their own policy; one of its doctors breaks glass with a reason and reads the slice; the
 * person is told at once and flags the access as unjustified, with the keyboard alone; the
 * organisation sees the flag. Every page passes axe, at 360 px too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let doctor: Staff;
let ooh: string;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('emergency')]);
  const admin = await createAdmin(t);
  ooh = await createOrganisation(t.app, admin, 'gp-practice', 'Out of Hours Service');
  doctor = await createPractitioner(t.app, admin, ooh, 'gp');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('policy → break glass with a reason → the person is told and flags it with the keyboard → the organisation sees the flag', async () => {
  const alex = await signUpCitizen(t.app, undefined, 'Alex');
  await addRecord(t.app, alex, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });

  const alexPage = await (await browser.newContext()).newPage();
  await logIn(alexPage, t.url, alex.handle, strongPassword);
  await alexPage.goto(`${t.url}/app/sharing#emergency`);
  const form = alexPage.locator('form[action="/app/sharing/emergency-policy"]');
  await form.getByLabel('Organisation ids').fill(ooh);
  await form.getByRole('checkbox', { name: 'Mental wellbeing', exact: true }).check();
  await form.getByLabel('For at most (minutes, up to 240)').fill('90');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await alexPage.waitForURL(`${t.url}/app/sharing?done=emergency-saved#emergency`);
  expect(await alexPage.locator('main').textContent()).toContain(
    'Practitioners of Out of Hours Service may open emergency access to your mental wellbeing records, read-only, for at most 90 minutes',
  );

  // The doctor has no grant: the person's page says so and leads to break-glass.
  const docPage = await (await browser.newContext()).newPage();
  await logIn(docPage, t.url, doctor.handle, strongPassword);
  await docPage.goto(`${t.url}/app/people/${alex.subjectId}`);
  expect(await docPage.getByRole('heading', { level: 1 }).textContent()).toBe('No access');
  await docPage.getByRole('link', { name: 'Emergency access' }).click();
  const breakGlass = docPage.locator('form[action="/app/people/emergency"]');
  await breakGlass.getByLabel('Their store id').fill(alex.subjectId);
  await breakGlass.getByLabel('Why this is an emergency').fill('Unconscious on arrival, need mood history');
  await checkNarrow(browser, docPage, 'people-break-glass');
  await breakGlass.getByRole('button', { name: 'Open emergency access' }).click();
  await docPage.waitForURL(`${t.url}/app/people/${alex.subjectId}?done=emergency-opened`);
  expect(await docPage.locator('main').textContent()).toContain('for emergency access (Unconscious on arrival, need mood history)');
  expect(await docPage.getByRole('img', { name: /PHQ-9\): change over time/ }).count()).toBe(1);

  // Alex is told at once; with the keyboard alone, flags the access as unjustified.
  await alexPage.goto(`${t.url}/app/sharing#emergency-accesses`);
  expect(await alexPage.getByRole('link', { name: 'Notifications 1 unread' }).count()).toBe(1);
  const access = alexPage.locator('#emergency-accesses + ul .card');
  expect(await access.textContent()).toContain('Their reason: “Unconscious on arrival, need mood history”');
  await checkNarrow(browser, alexPage, 'sharing-emergency');
  await tabTo(alexPage, `#${await access.locator('textarea').getAttribute('id')}`, 'Shift+KeyI');
  await alexPage.keyboard.type(' was awake and could have been asked');
  await tabTo(alexPage, 'form[action$="/flag"] button', 'Enter');
  await alexPage.waitForURL(`${t.url}/app/sharing?done=emergency-flagged#emergency-accesses`);
  expect(await alexPage.locator('#emergency-accesses + ul').textContent()).toMatch(/You flagged this as unjustified on/);

  // The organisation sees the flag and the statement.
  await docPage.goto(`${t.url}/app/people#emergency-log`);
  const log = (await docPage.locator('#emergency-log + ul').textContent())!;
  expect(log).toMatch(/Flagged as unjustified by the person on/);
  expect(log).toContain('Their statement: “I was awake and could have been asked”');
  await checkPage(browser, docPage, 'people-emergency-flagged');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 120_000);
