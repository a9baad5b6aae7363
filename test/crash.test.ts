import { describe, expect, it } from 'vitest';
import { crashSummary, runCrashSuite } from './helpers/crash.js';
import { writeReport } from './helpers/reports.js';

/** Short form of the crash suite (issue #8); `npm run test:crash` runs 20 cycles. */
describe('crash durability (short form)', () => {
  it('SIGKILL mid-write: every acknowledged write survives, nothing is half-written, lost answers retry to one record', async () => {
    const report = await runCrashSuite({ cycles: 3, killAfterMs: [300, 1500] });
    const summary = crashSummary(report);
    console.log(summary);
    writeReport('crash-short.json', { summary, ...report });
    expect(report.violations).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.auditVerifications).toBe(3);
    expect(report.acknowledged.total).toBeGreaterThan(0);
    // Three appenders are always in flight, so every kill cuts some answers off.
    expect(report.lostResponsesRetried).toBeGreaterThan(0);
  }, 90_000);
});
