import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { strongPassword } from '../helpers/actors.js';

/** Steps several browser stories share, done as a person would: through labels and buttons. */

export async function signUpInBrowser(page: Page, base: string, handle: string, displayName: string): Promise<void> {
  await page.goto(`${base}/app/signup`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill(strongPassword);
  await page.getByLabel('Display name').fill(displayName);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(`${base}/app/`);
}

export async function logIn(page: Page, base: string, handle: string, password: string): Promise<void> {
  await page.goto(`${base}/app/login`);
  await page.getByLabel('Handle').fill(handle);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForLoadState();
}

/** Fills the add-a-record form for a type: answers by position, or named fields. */
export async function addRecordInBrowser(page: Page, base: string, type: string, fields: { answers?: number[]; [name: string]: unknown }, when: string): Promise<void> {
  await page.goto(`${base}/app/records/new?type=${type}`);
  await page.getByLabel('When').fill(when);
  for (const [i, v] of (fields.answers ?? []).entries()) {
    await page.locator(`fieldset#f-answers-${i}`).getByRole('radio', { name: new RegExp(`^${v}( –|$)`) }).check();
  }
  if (typeof fields.text === 'string') await page.locator('textarea[name="text"]').fill(fields.text);
  if (typeof fields.progress === 'string') await page.locator('select[name="progress"]').selectOption(fields.progress);
  if (typeof fields.value === 'string') await page.locator('input[name="value"]').fill(fields.value);
  await page.getByRole('button', { name: 'Save record' }).click();
  await page.waitForURL(`${base}/app/?done=record-added`);
  expect(await page.getByRole('status').textContent()).toContain('Your record was saved.');
}
