/**
 * A delegate in a real browser (issue 14): Arthur names his daughter Bea as his delegate on the
 * sharing page; Bea acts for him (the delegation token stays on the server), sees the banner and
 * only the pages his powers open, adds a record for him, and is refused a page outside them;
 * Arthur sees the record and ends the delegation; Bea's next page load acts for no
 * one. Every page passes axe, the forms and the acting pages at 360 px too.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signUpCitizen, strongPassword } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkNarrow, checkPage, expectNoReadableSecrets, launchBrowser, tabTo, type Browser } from '../helpers/browser.js';
import { addRecord } from '../helpers/consent.js';
import { addRecordInBrowser, logIn } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('delegate')]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

it('Arthur names Bea → Bea acts for him within the powers → a page outside them is refused → Arthur ends it → Bea acts for no one', async () => {
  const arthur = await signUpCitizen(t.app, undefined, 'Arthur');
  const bea = await signUpCitizen(t.app, undefined, 'Bea');
  await addRecord(t.app, arthur, { type: 'swemwbs', effectiveAt: '2026-03-01T10:00:00Z', answers: [3, 4, 3, 4, 3, 4, 3] });

  // Arthur names Bea: she may read his records and add records for him, under a lasting power of attorney.
  const arthurPage = await (await browser.newContext()).newPage();
  await logIn(arthurPage, t.url, arthur.handle, strongPassword);
  await arthurPage.goto(`${t.url}/app/sharing#delegates`);
  const form = arthurPage.locator('form[action="/app/sharing/delegates"]');
  await form.getByLabel('Their account id').fill(bea.accountId);
  await form.getByRole('checkbox', { name: 'read your records' }).check();
  await form.getByRole('checkbox', { name: 'add records for you' }).check();
  await form.getByLabel('On what basis').selectOption('lasting-power-of-attorney');
  await form.getByLabel('Until (date)').fill('2027-03-01');
  await form.getByRole('button', { name: 'Name delegate' }).click();
  await arthurPage.waitForURL(`${t.url}/app/sharing?done=delegate-named#delegates`);
  expect(await arthurPage.locator('#delegates ~ ul').first().textContent()).toContain(
    'Bea may read your records and add records for you, under a lasting power of attorney, until 1 March 2027',
  );
  await checkNarrow(browser, arthurPage, 'sharing-delegates');

  // Bea finds Arthur under "People I act for" and acts for him, with the keyboard.
  const beaPage = await (await browser.newContext()).newPage();
  await logIn(beaPage, t.url, bea.handle, strongPassword);
  await beaPage.getByRole('link', { name: 'People I act for' }).click();
  await beaPage.waitForURL(`${t.url}/app/delegations`);
  expect(await beaPage.locator('main').textContent()).toContain('Arthur: you may read their records and add records for them, under a lasting power of attorney');
  await checkPage(browser, beaPage, 'delegations');
  await tabTo(beaPage, 'form[action$="/act"] button', 'Enter');
  await beaPage.waitForURL(`${t.url}/app/`);
  const banner = beaPage.getByRole('region', { name: 'Acting for someone' });
  expect(await banner.textContent()).toContain('You are acting for Arthur');
  expect(await beaPage.getByRole('heading', { level: 1 }).textContent()).toBe('Arthur’s records');
  expect(await beaPage.getByRole('img', { name: /SWEMWBS\): change over time/ }).count()).toBe(1);
  const nav = (await beaPage.getByRole('navigation', { name: 'Main' }).textContent())!;
  expect(nav).toContain('Their records');
  expect(nav).not.toContain('Who can see');
  expect(nav).not.toContain('My account');
  await checkNarrow(browser, beaPage, 'acting-home');
  await expectNoReadableSecrets(beaPage);

  // She adds a goal for him; a page outside the powers is refused if forced.
  await addRecordInBrowser(beaPage, t.url, 'goal', { text: 'Phone the allotment society', progress: '2' }, '2026-03-05T10:00');
  await beaPage.goto(`${t.url}/app/account`);
  expect(await beaPage.getByRole('heading', { level: 1 }).textContent()).toBe('Not allowed');
  expect(await beaPage.locator('main').textContent()).toContain('not among the things the person allowed you to do');
  await checkPage(browser, beaPage, 'acting-refused');
  const mine = await t.app.inject({ method: 'GET', url: '/v1/me/records?type=goal', headers: { authorization: `Bearer ${arthur.token}` } });
  expect(mine.json().items).toMatchObject([{ source: { kind: 'delegate', accountId: bea.accountId } }]);

  // Arthur sees the goal she added among his records, and ends the delegation.
  await arthurPage.goto(`${t.url}/app/records`);
  expect(await arthurPage.locator('main').textContent()).toContain('Phone the allotment society');
  await arthurPage.goto(`${t.url}/app/sharing`);
  await arthurPage.getByRole('button', { name: 'End Bea’s delegation' }).click();
  await arthurPage.waitForURL(`${t.url}/app/sharing?done=delegate-ended#delegates`);
  expect(await arthurPage.getByRole('status').textContent()).toContain('They can no longer act for you.');

  // Bea's very next page load acts for no one.
  await beaPage.goto(`${t.url}/app/records`);
  await beaPage.waitForURL(`${t.url}/app/delegations?done=ended`);
  expect(await beaPage.getByRole('status').textContent()).toContain('The delegation you were acting under has ended');
  expect(await beaPage.locator('main').textContent()).toContain('No one has named you as their delegate.');
  await checkPage(browser, beaPage, 'delegation-ended');

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors (CSP refusals among them)').toEqual([]);
}, 120_000);
