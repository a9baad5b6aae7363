import { chromiumPath } from '../helpers/browser.js';

/**
 * @sparticuz/chromium unpacks its browser into the temp folder on first use; test files run
 * in parallel processes, so it is unpacked here, once, before any of them starts.
 */
export default async function setup(): Promise<void> {
  await chromiumPath();
}
