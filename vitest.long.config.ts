import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The long forms of the reliability suites (issue #8): `npm run test:crash` runs
 * test/crash.full.ts, `npm run test:fuzz` test/fuzz.full.ts. `npm test` runs only their short
 * forms (test/crash.test.ts, test/fuzz.test.ts), through the default config's `*.test.ts`.
 */
export default defineConfig({
  test: {
    ...base.test,
    // One project: these suites run on SQLite.
    projects: undefined,
    include: ['test/*.full.ts'],
    testTimeout: 900_000,
    reporters: ['default'],
  },
});
