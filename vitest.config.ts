import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Unpacks the browser the stories in test/app/ drive, once, before the files run in parallel.
    globalSetup: ['test/app/global-setup.ts'],
    // Files run in parallel processes; each test file has its own temporary database.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
  },
});
