import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Keeps storage engines and crypto primitives behind their modules (CONVENTIONS §1),
// so a PostgreSQL adapter or a crypto change touches one folder.
const restricted = {
  patterns: [
    { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'Only src/storage talks to the database.' },
    { group: ['libsodium-wrappers', '@node-rs/argon2'], message: 'Only src/crypto uses crypto primitives.' },
  ],
};

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
);
