/**
 * A referral in a real browser (issue 14): a GP with a read grant refers the person to a link
 * worker from the person's page; the person sees the notice counted in the navigation, opens it
 * and approves the referral narrowed, with the keyboard alone; the GP sees the outcome on
 * /app/referrals and in their notices; the link worker sees exactly the approved slice. Every
 * page passes axe, the person's and the GP's forms at 360 px too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from '../helpers/consent.js';
import { logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let gp: Staff;
let link: Staff;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('referral')]);
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'gp-practice', 'Elm Street Surgery'), 'gp');
  link = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'social-prescribing', 'Riverside Social Prescribing'), 'link-worker');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('GP refers → the person is told, approves narrowed with the keyboard → the GP sees the outcome → the link worker sees that slice', async () => {
  // Alex keeps records and has given the GP a read grant (through the API: the consent story covers the pages).
  const alex = await signUpCitizen(t.app, undefined, 'Alex');
  await addRecord(t.app, alex, { type: 'swemwbs', effectiveAt: '2026-03-01T10:00:00Z', answers: [3, 4, 3, 4, 3, 4, 3] });
  await addRecord(t.app, alex, { type: 'ucla3', effectiveAt: '2026-03-02T10:00:00Z', answers: [2, 2, 3] });
  await grant(t.app, alex, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['mental-wellbeing', 'social-connections'], purpose: 'direct-care' });

  const gpPage = await (await browser.newContext()).newPage();
  await logIn(gpPage, t.url, gp.handle, strongPassword);
  await gpPage.goto(`${t.url}/app/people/${alex.subjectId}`);
  const form = gpPage.locator('form[action$="/referrals"]');
  await form.getByRole('radio', { name: 'a practitioner' }).check();
  await form.getByLabel('Their Tessera id').fill(link.accountId);
  for (const c of ['Mental wellbeing', 'Social connections']) await form.getByRole('checkbox', { name: c, exact: true }).check();
  await form.getByLabel('A note for the person (optional)').fill('Riverside run a walking group near you');
  await checkNarrow(browser, gpPage, 'person-refer');
  await form.getByRole('button', { name: 'Send referral' }).click();
  await gpPage.waitForURL(`${t.url}/app/referrals?done=referred`);
  expect(await gpPage.locator('main').textContent()).toContain('waiting for the person to decide');
  await checkPage(browser, gpPage, 'referrals-pending');

  // Alex sees one unread notice in the navigation, opens it, and lands on the referral.
  const alexPage = await (await browser.newContext()).newPage();
  await logIn(alexPage, t.url, alex.handle, strongPassword);
  expect(await alexPage.getByRole('link', { name: 'Notifications 1 unread' }).count()).toBe(1);
  await alexPage.getByRole('link', { name: 'Notifications 1 unread' }).click();
  await alexPage.waitForURL(`${t.url}/app/notifications`);
  expect(await alexPage.locator('main').textContent()).toContain(`Practitioner ${gp.handle}, GP at Elm Street Surgery referred you to someone else.`);
  await checkNarrow(browser, alexPage, 'notifications');
  await alexPage.getByRole('button', { name: /^Open: / }).click();
  await alexPage.waitForURL(`${t.url}/app/sharing#referrals`);
  const referral = alexPage.locator('.card', { hasText: 'suggests that' });
  expect(await referral.textContent()).toContain(`suggests that Practitioner ${link.handle}, link worker at Riverside Social Prescribing can read your mental wellbeing and social connections records`);
  expect(await referral.textContent()).toContain('Their note: “Riverside run a walking group near you”');
  await checkNarrow(browser, alexPage, 'sharing-referral');

  // With the keyboard alone: untick social connections, approve.
  const social = referral.getByRole('checkbox', { name: 'Social connections' });
  await tabTo(alexPage, `#${await social.getAttribute('id')}`, 'Space');
  expect(await social.isChecked()).toBe(false);
  await tabTo(alexPage, 'form[action*="/referrals/"][action$="/approve"] button', 'Enter');
  await alexPage.waitForURL(/\/app\/sharing\/grants\/[0-9a-f-]+\?done=granted$/);
  const receipt = (await alexPage.locator('main').textContent())!;
  expect(receipt).toContain(`Practitioner ${link.handle}, link worker at Riverside Social Prescribing can read your mental wellbeing records`);
  expect(receipt).not.toContain('social connections');
  expect(await alexPage.getByRole('link', { name: /^Notifications/ }).textContent()).toBe('Notifications');

  // The GP sees the outcome, and is told.
  await gpPage.goto(`${t.url}/app/referrals`);
  expect(await gpPage.locator('main').textContent()).toMatch(/approved \d+ \w+ \d{4}/);
  await gpPage.goto(`${t.url}/app/notifications`);
  expect(await gpPage.locator('main').textContent()).toContain('Your referral was approved.');
  await checkPage(browser, gpPage, 'notifications-supporter');

  // The link worker sees exactly the approved slice.
  const linkPage = await (await browser.newContext()).newPage();
  await logIn(linkPage, t.url, link.handle, strongPassword);
  await linkPage.goto(`${t.url}/app/people/${alex.subjectId}`);
  const slice = (await linkPage.locator('main').textContent())!;
  expect(slice).toContain('You may read their mental wellbeing records');
  expect(slice).not.toContain('UCLA');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 120_000);
