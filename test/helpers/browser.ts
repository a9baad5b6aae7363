import fs from 'node:fs';
import path from 'node:path';
import sparticuz from '@sparticuz/chromium';
import axe from 'axe-core';
import { chromium, type Browser as Chromium, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { repoRoot } from './process.js';

/**
 * Real Chromium for the browser stories (test/app/): Debian's /usr/bin/chromium when it is
 * installed, else the binary @sparticuz/chromium ships inside its npm package, so a machine
 * with only Node runs them too. Its serverless flags that switch browser security off
 * (--disable-web-security and friends) are dropped: these tests are about that security.
 */

const DEBIAN = '/usr/bin/chromium';
const INSECURE = new Set(['--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** @returns the browser binary (unpacked to the temp folder once, by test/app/global-setup.ts) */
export async function chromiumPath(): Promise<string> {
  return fs.existsSync(DEBIAN) ? DEBIAN : sparticuz.executablePath();
}

export interface Browser {
  /** A new, empty browser profile (cookies, storage) for one person. */
  newContext(): Promise<BrowserContext>;
  /** Every URL the browser requested, in order. */
  requests: string[];
  /** Console errors (a CSP refusal is one). */
  consoleErrors: string[];
  /** Pages checked by axe and their violation counts, for the figures in the report. */
  axeRuns: { name: string; violations: number }[];
  close(): Promise<void>;
}

/**
 * Launches Chromium (Playwright gives it a fresh temporary profile); nothing outlives close(),
 * which writes the story's axe figures to reports/app/axe-<story>.json.
 */
export async function launchBrowser(story: string): Promise<Browser> {
  const executablePath = await chromiumPath();
  const serverless = executablePath === DEBIAN ? [] : sparticuz.args.filter((a) => !INSECURE.has(a) && !a.startsWith('--headless'));
  const browser: Chromium = await chromium.launch({ executablePath, args: [...serverless, ...FLAGS], headless: true });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const axeRuns: Browser['axeRuns'] = [];
  return {
    async newContext() {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
      context.on('request', (r) => requests.push(r.url()));
      // Errors the page logs, CSP refusals among them; an error page's own 4xx status is not one.
      context.on('console', (m) => {
        if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
      });
      context.on('weberror', (e) => consoleErrors.push(e.error().message));
      return context;
    },
    requests,
    consoleErrors,
    axeRuns,
    async close() {
      await browser.close();
      const dir = path.join(repoRoot, 'reports', 'app');
      fs.mkdirSync(dir, { recursive: true });
      const violations = axeRuns.reduce((n, r) => n + r.violations, 0);
      fs.writeFileSync(path.join(dir, `axe-${story}.json`), JSON.stringify({ story, pagesChecked: axeRuns.length, violations, runs: axeRuns }, null, 2));
    },
  };
}

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[];
}

/**
 * Runs axe-core on the page as it is now and expects no violations. axe is evaluated through
 * the DevTools protocol, which the page's CSP does not govern, so the policy stays as served.
 * Also saves a full-page screenshot under reports/app/ (not committed).
 */
export async function checkPage(browser: Browser, page: Page, name: string): Promise<void> {
  await page.evaluate(axe.source);
  const result = (await page.evaluate(() => (window as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as AxeResult;
  browser.axeRuns.push({ name, violations: result.violations.length });
  const dir = path.join(repoRoot, 'reports', 'app');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  expect(
    result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join(' | ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

/** Checks a page at 360 px wide (axe, and nothing wider than the screen), after a screenshot at full width. */
export async function checkNarrow(browser: Browser, page: Page, name: string): Promise<void> {
  const before = page.viewportSize()!;
  await page.screenshot({ path: path.join(repoRoot, 'reports', 'app', `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 780 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow, `${name} scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
  await checkPage(browser, page, `${name}-360px`);
  await page.setViewportSize(before);
}

/**
 * Presses Tab until the element matching `selector` has focus, then presses `key` on it: the
 * control is reachable and works with the keyboard alone. Bounded to 200 presses.
 */
export async function tabTo(page: Page, selector: string, key = 'Enter'): Promise<void> {
  const target = page.locator(selector);
  await expect.poll(() => target.count()).toBe(1);
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) {
      await page.keyboard.press(key);
      return;
    }
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Asserts that no token, refresh token or session secret is readable by the page's scripts. */
export async function expectNoReadableSecrets(page: Page): Promise<void> {
  const seen = await page.evaluate(() => ({
    cookies: document.cookie,
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    html: document.documentElement.outerHTML,
  }));
  expect(seen.cookies).toBe('');
  expect(seen.local).toBe('{}');
  expect(seen.session).toBe('{}');
  // A JWT (three base64url parts) or a 43-character session secret anywhere in the DOM.
  expect(seen.html).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
  const secret = (await page.context().cookies()).find((c) => c.name.includes('tessera_session'));
  if (secret) {
    expect(secret.httpOnly).toBe(true);
    expect(seen.html).not.toContain(secret.value);
  }
}
