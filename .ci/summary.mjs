// Prints "N passed, N failed" from vitest's JSON report (0/0 when no test ran).
import fs from 'node:fs';

const file = process.argv[2];
let passed = 0;
let failed = 0;
try {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
} catch {
  console.log(`(no test report at ${file}: the run stopped before vitest)`);
}
console.log(`${passed} passed, ${failed} failed`);
// A run with a failure, or with no test at all, fails CI whatever exit code the runner gave.
if (failed > 0 || passed === 0) process.exitCode = 1;
