import { defineConfig } from 'vitest/config';

/**
 * Two projects. `sqlite` runs every suite on SQLite files. `postgres` runs the storage
 * conformance suite, the access matrix, the consent and append suites, the two-instance suite
 * and the PostgreSQL crash suite on PostgreSQL: one embedded server for the project
 * (test/setup/postgres.ts), a database per test app.
 */
const postgresSuites = [
  'test/storage/postgres.test.ts',
  'test/postgres/**/*.test.ts',
  'test/access-matrix.test.ts',
  'test/grants.test.ts',
  'test/access-requests.test.ts',
  'test/appends.test.ts',
  'test/records.test.ts',
  'test/series.test.ts',
];

export default defineConfig({
  test: {
    // Files run in parallel processes; each test file has its own temporary database.
    pool: 'forks',
    // Both cores: vitest's default leaves one free, which runs the files one at a time on two.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'reports/vitest.json' }]] : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/storage/postgres.test.ts', 'test/postgres/**'],
          // Unpacks the browser the stories in test/app/ drive, once, before the files run in parallel.
          globalSetup: ['test/app/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'postgres', include: postgresSuites, globalSetup: ['test/setup/postgres.ts'] },
      },
    ],
  },
});
