import fs from 'node:fs';
import type { RunnerTask, RunnerTestFile } from 'vitest';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type Reporter, type TestModule, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`, docs/mutation.md): the unit
 * tests and the HTTP suites that exercise authorization and crypto. Other suites (export, CLI,
 * lifecycle, benchmarks) add minutes per mutant and kill nothing more in these modules.
 */

/** Quick files first (unit tests, then the mutant-killing HTTP tests, then the rest by size), so a mutant fails fast. */
class QuickFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => (f.moduleId.includes('/test/unit/') ? 0 : f.moduleId.endsWith('-mutants.test.ts') ? 1 : 2);
    const size = (f: TestSpecification) => fs.statSync(f.moduleId).size;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(a) - size(b));
  }
}

/**
 * Stryker's vitest runner reads only test results. Under vitest 4 a test that never ran because its
 * file's `beforeAll` threw (the app would not build) is reported as skipped, and a file that failed
 * to load has no tests at all, so a mutant that breaks startup would count as surviving although
 * `vitest run` fails. This marks such tests, or the file itself, as failed, for mutation runs only.
 */
class SetupFailuresFail implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    for (const m of modules) {
      // The raw task tree, which Stryker's runner reads back from vitest's state.
      const file = (m as unknown as { task: RunnerTestFile }).task;
      const errors = file.result?.errors;
      if (file.result?.state !== 'fail' || !errors?.length) continue;
      let tests = 0;
      const walk = (tasks: RunnerTask[]) => {
        for (const t of tasks) {
          if (t.type === 'suite') walk(t.tasks);
          else if (t.type === 'test') {
            tests += 1;
            if (t.result?.state !== 'fail') Object.assign(t, { mode: 'run', result: { ...t.result, state: 'fail', errors } });
          }
        }
      };
      walk(file.tasks);
      if (tests === 0) {
        file.tasks.push({ type: 'test', id: `${file.id}_load`, name: '(the file failed to load)', mode: 'run', file, context: {}, meta: {}, annotations: [], artifacts: [], result: { state: 'fail', errors } } as unknown as RunnerTask);
      }
    }
  }
}

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // One project: these suites run on SQLite.
    projects: undefined,
    include: [
      'test/unit/**/*.test.ts',
      'test/*-mutants.test.ts',
      'test/access-matrix.test.ts',
      'test/grants.test.ts',
      'test/crypto.test.ts',
      'test/tokens.test.ts',
      'test/clients.test.ts',
      'test/access-log.test.ts',
      'test/appends.test.ts',
      'test/watches.test.ts',
      'test/erasure.test.ts',
    ],
    // A mutant that stops a request or an event from ever coming should fail in seconds, not minutes.
    testTimeout: 10_000,
    sequence: { ...base.test?.sequence, sequencer: QuickFirst },
    reporters: ['default', new SetupFailuresFail()],
  },
});
