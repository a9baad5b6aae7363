import { describe, expect, it } from 'vitest';
import { fuzzSummary, runFuzz } from './helpers/fuzz.js';
import { writeReport } from './helpers/reports.js';

/** Short form of the contract fuzz (issue #8); `npm run test:fuzz` sends 10,000+ requests. */
describe('contract fuzz (short form)', () => {
  it('1,000 requests over every operation of /openapi.json: no 5xx, every 4xx a problem (RFC 6749 on the token endpoints)', async () => {
    const report = await runFuzz({ requests: 1_000 });
    const summary = fuzzSummary(report);
    console.log(summary);
    writeReport('fuzz-short.json', { summary, ...report });
    expect(report.failures).toEqual([]);
    expect(report.fiveHundreds).toBe(0);
    expect(report.badErrorBodies).toBe(0);
    expect(report.hangs).toBe(0);
    expect(report.requests).toBe(1_000);
    expect(Object.keys(report.perOperation)).toHaveLength(report.operations);
  }, 120_000);
});
