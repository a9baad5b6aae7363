import { describe, expect, it } from 'vitest';
import { crashSummary, runCrashSuite } from '../helpers/crash.js';
import { createDatabase, dropDatabase } from '../helpers/postgres-server.js';
import { writeReport } from '../helpers/reports.js';
import { postgresAdminUrl } from '../helpers/storage.js';

/**
 * The crash suite on PostgreSQL with two instances (short form; the long form is
 * `CRASH_POSTGRES=1 npm run test:crash`): writers alternate between the instances, one of them is SIGKILLed at a random moment, the other must keep serving, and after
 * its restart nothing acknowledged is lost and `tessera audit verify` exits 0.
 */
describe('crash durability on PostgreSQL, two instances (short form)', () => {
  it('SIGKILL of one instance mid-write: 0 acknowledged writes lost, the other keeps serving, the chains verify', async () => {
    const adminUrl = postgresAdminUrl()!;
    const url = await createDatabase(adminUrl, 'tessera_crash');
    try {
      const report = await runCrashSuite({ cycles: 3, killAfterMs: [300, 1500], postgresUrl: url });
      const summary = crashSummary(report);
      console.log(summary);
      writeReport('crash-postgres-short.json', { summary, ...report });
      expect(report.violations).toEqual([]);
      expect(report.lost).toBe(0);
      expect(report.auditVerifications).toBe(3);
      expect(report.acknowledged.total).toBeGreaterThan(0);
      expect(report.servedWhileOtherDown).toBeGreaterThan(0);
    } finally {
      await dropDatabase(adminUrl, url);
    }
  }, 120_000);
});
