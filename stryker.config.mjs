// Mutation testing of the authorization and crypto modules (issue #8): `npm run test:mutation`.
// How to run it, the score and the accepted survivors: docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: [
    'src/plugins/access.ts',
    'src/plugins/auth.ts',
    'src/features/records/slice.ts',
    'src/features/grants/terms.ts',
    'src/crypto/aead.ts',
    'src/crypto/envelope.ts',
    'src/crypto/keyring.ts',
    'src/crypto/hash-chain.ts',
    'src/crypto/client-keys.ts',
    'src/crypto/jws.ts',
    'src/crypto/secrets.ts',
    'src/crypto/passwords.ts',
    'src/core/data-keys.ts',
  ],
  testRunner: 'vitest',
  ignorePatterns: ['dist', 'bench', 'data', 'coverage'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  coverageAnalysis: 'perTest',
  // Two cores: one vitest worker per core.
  concurrency: 2,
  timeoutMS: 10_000,
  // Re-tests only mutants whose code or covering tests changed since the last run; `-- --force` for a full run.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: 85 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
