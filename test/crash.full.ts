import { describe, expect, it } from 'vitest';
import { crashSummary, runCrashSuite } from './helpers/crash.js';
import { freePort } from './helpers/process.js';
import { createDatabase, startEmbeddedPostgres } from './helpers/postgres-server.js';
import { writeReport } from './helpers/reports.js';

/**
 * Full crash suite (issue #8): `npm run test:crash`. CRASH_CYCLES and CRASH_SEED override the
 * cycle count (default 20) and the seed (default random, printed), to replay a failure.
 * CRASH_POSTGRES=1 runs it on an embedded PostgreSQL with two instances, killing one at a time
 * (or on TESSERA_TEST_DATABASE_URL's server when set).
 */
const cycles = Number(process.env.CRASH_CYCLES ?? 20);
const seed = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : undefined;
const onPostgres = process.env.CRASH_POSTGRES === '1';

describe('crash durability (full)', () => {
  it(`${cycles} SIGKILLs mid-write${onPostgres ? ' of one of two instances on PostgreSQL' : ''}: no acknowledged write lost, nothing half-written, the access log verifies`, async () => {
    const external = process.env.TESSERA_TEST_DATABASE_URL?.trim();
    const server = onPostgres && !external ? await startEmbeddedPostgres(await freePort(), { durable: true }) : undefined;
    try {
      const postgresUrl = onPostgres ? await createDatabase(external ?? server!.adminUrl, 'tessera_crash') : undefined;
      const report = await runCrashSuite({ cycles, ...(seed !== undefined ? { seed } : {}), ...(postgresUrl ? { postgresUrl } : {}), killAfterMs: [200, 2000], log: (l) => console.log(l) });
      const summary = crashSummary(report);
      console.log(summary);
      writeReport(onPostgres ? 'crash-postgres.json' : 'crash.json', { summary, ...report });
      expect(report.violations).toEqual([]);
      expect(report.lost).toBe(0);
      expect(report.cycles).toBe(cycles);
      expect(report.auditVerifications).toBe(cycles);
      expect(report.lostResponsesRetried).toBeGreaterThan(0);
    } finally {
      await server?.stop();
    }
  }, 900_000);
});
