import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Keeps storage engines and crypto primitives behind their modules (docs/architecture.md),
// so a PostgreSQL adapter or a crypto change touches one folder.
const restricted = {
  patterns: [
    { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'Only src/storage talks to the database.' },
    { group: ['libsodium-wrappers', '@node-rs/argon2'], message: 'Only src/crypto uses crypto primitives.' },
  ],
};

/**
 * Feature layers (docs/architecture.md "Layers"): a feature may import only features before it
 * in this list, so feature imports cannot form a cycle. Type-only imports create no runtime
 * dependency and stay allowed. core, crypto, plugins and storage import no feature at all.
 */
const featureOrder = [
  'health',
  'tokens',
  'access-log',
  'accounts',
  'grants',
  'catalogue',
  'access-requests',
  'watches',
  'alerts',
  'records',
  'webhooks',
  'keys',
  'organisations',
  'export',
];

const featurePatterns = (names, message) =>
  names.map((f) => ({ group: [`../${f}/*`, `../../features/${f}/*`, `../features/${f}/*`, `**/features/${f}/*`], message, allowTypeImports: true }));

const layering = [
  ...featureOrder.map((feature, i) => ({
    files: [`src/features/${feature}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: featurePatterns(featureOrder.slice(i + 1), `features/${feature} comes before this feature in eslint.config.js featureOrder: import the other way round, or move the shared part down a layer.`) }],
    },
  })),
  {
    files: ['src/core/**/*.ts', 'src/crypto/**/*.ts', 'src/plugins/**/*.ts', 'src/storage/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: featurePatterns(featureOrder, 'core, crypto, plugins and storage sit below every feature: they may import feature types only.') }],
    },
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'migrations/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The browser script: DOM globals, and nothing from the server side.
    files: ['src/app-web/client/**/*.ts'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', EventSource: 'readonly', HTMLElement: 'readonly', HTMLInputElement: 'readonly', HTMLLIElement: 'readonly', MessageEvent: 'readonly' } },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/storage/**', 'src/crypto/**'],
    rules: { 'no-restricted-imports': ['error', restricted] },
  },
  ...layering,
);
