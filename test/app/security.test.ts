/**
 * The app's browser security in a real browser: no token or session secret is readable by
 * page scripts, no request leaves the origin, the strict CSP holds, stored text stays inert,
 * a form posted from another origin is refused (the cookie rides along, since another port
 * of 127.0.0.1 is the same site, so only the Origin check stands in the way), the cookie does
 * not open the JSON API, and logout ends the session on the server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueHandle } from '../helpers/actors.js';
import { buildListeningTestApp, type TestApp } from '../helpers/app.js';
import { checkPage, expectNoReadableSecrets, launchBrowser, type Browser } from '../helpers/browser.js';
import { addRecordInBrowser, signUpInBrowser } from './steps.js';

let t: TestApp & { url: string };
let browser: Browser;
let evil: http.Server;
let evilUrl: string;

beforeAll(async () => {
  [t, browser] = await Promise.all([buildListeningTestApp(), launchBrowser('security')]);
  // Another origin on this machine, serving a page that posts a form to Tessera.
  evil = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Win a prize</title><form method="post" action="${t.url}/app/records/new?type=note">` +
        '<input name="text" value="planted by another site"><button>Claim</button></form>',
    );
  });
  await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
  await t?.close();
});

it('no readable secrets, nothing from elsewhere, CSP enforced, stored text inert, cross-origin posts refused, logout is final', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const headers: Record<string, string>[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document') headers.push(r.headers());
  });
  await signUpInBrowser(page, t.url, uniqueHandle('sam'), 'Sam');

  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ name: 'tessera_session', httpOnly: true, sameSite: 'Lax', path: '/', secure: false });
  await expectNoReadableSecrets(page);
  for (const h of headers) {
    expect(h['content-security-policy']).toContain("default-src 'self'");
    expect(h['content-security-policy']).not.toContain('unsafe');
    expect(h['referrer-policy']).toBe('same-origin');
  }

  // Text that looks like markup is stored and shown as text; nothing in it runs or loads.
  await addRecordInBrowser(page, t.url, 'note', { text: '<script>window.pwned = 1</script><img src="https://tracker.example/x.gif">' }, '2026-03-01T10:00');
  await page.goto(`${t.url}/app/records`);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator('td', { hasText: '<script>window.pwned = 1</script>' }).count()).toBe(1);
  await expectNoReadableSecrets(page);
  await checkPage(browser, page, 'records');

  // The CSP refuses script the page did not come with (an inline one, as an injection would be).
  expect(browser.consoleErrors, 'console errors before the injection').toEqual([]);
  const blocked = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.inlineRan = true';
    document.body.append(s);
    return (window as unknown as { inlineRan?: boolean }).inlineRan ?? false;
  });
  expect(blocked).toBe(false);
  await expect.poll(() => browser.consoleErrors.length).toBe(1);
  expect(browser.consoleErrors.pop()).toContain('Content Security Policy');

  // The session cookie does not authenticate the JSON API, even from the app's own pages.
  expect(await page.evaluate(() => fetch('/v1/me').then((r) => r.status))).toBe(401);

  expect(browser.requests.filter((u) => !u.startsWith(`${t.url}/`)), 'requests that left the origin').toEqual([]);
  expect(browser.consoleErrors, 'console errors').toEqual([]);

  // A form on another origin posting with the person's cookie: refused, and nothing is added.
  const attacker = await context.newPage();
  await attacker.goto(evilUrl);
  const [answer] = await Promise.all([attacker.waitForResponse((r) => r.url().startsWith(`${t.url}/app/records/new`)), attacker.getByRole('button', { name: 'Claim' }).click()]);
  expect(answer.status()).toBe(403);
  expect(await answer.request().headerValue('origin')).toBe(evilUrl);
  expect(await answer.request().headerValue('cookie')).toContain('tessera_session=');
  await page.goto(`${t.url}/app/records`);
  expect(await page.locator('main').textContent()).not.toContain('planted by another site');

  // Logout ends the session on the server: the old cookie, replayed, opens nothing.
  const secret = cookie!.value;
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${t.url}/app/login?done=logged-out`);
  expect(await context.cookies()).toEqual([]);
  await checkPage(browser, page, 'logged-out');
  const replay = await browser.newContext();
  await replay.addCookies([{ name: 'tessera_session', value: secret, url: t.url }]);
  const again = await replay.newPage();
  await again.goto(`${t.url}/app/`);
  expect(again.url()).toBe(`${t.url}/app/login`);
}, 120_000);
