import { randomUUID } from 'node:crypto';
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Seeding 100,000 records through HTTP would take minutes; like bench/, this file seals and
// stores rows directly with the service's own modules, then exports over HTTP.
import { sealRecord } from '../src/crypto/envelope.js';
import { composeRecord, type RecordInput } from '../src/features/records/compose.js';
import type { RecordRow } from '../src/storage/contract.js';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';

const N = 100_000;
const BATCH = 5_000;

/**
 * Bounds on memory growth while one export of N records streams (this process is both server
 * and client). Held whole, an export needs at least its document text: 36.5 MiB for json and
 * 178 MiB for fhir at N = 100,000, before the 100,000 opened records behind it (~1 KB each in
 * V8). Streamed, the server holds one page of 500 records and a 64 KiB stream buffer, well under
 * a megabyte. So live heap (measured right after a forced full collection) must stay under
 * 16 MiB, less than half of the smallest whole document, leaving ample room for timing noise.
 * RSS also counts garbage not yet collected and SQLite's page cache; 150 MiB bounds it.
 */
const LIVE_HEAP_BOUND_MB = 16;
const RSS_BOUND_MB = 150;

let t: TestApp & { url: string };
let person: Citizen;

/** A mix of the record shapes: a measure, a scored instrument with flags, a component measure and text. */
function input(i: number, effectiveAt: string): RecordInput {
  switch (i % 4) {
    case 0:
      return { type: 'heart-rate', effectiveAt, value: 55 + (i % 40) };
    case 1:
      return { type: 'phq9', effectiveAt, answers: [i % 4, 1, 2, (i >> 2) % 4, 0, 1, 2, 3, i % 2] };
    case 2:
      return { type: 'blood-pressure', effectiveAt, systolic: 110 + (i % 30), diastolic: 70 + (i % 15) };
    default:
      return { type: 'note', effectiveAt, text: `Day ${i}: walked to the shop, saw a friend, slept fairly well.`, detail: { n: i } };
  }
}

beforeAll(async () => {
  t = await buildListeningTestApp();
  person = await signUpCitizen(t.app);
  const deps = t.deps;
  const subjectId = person.subjectId;
  const dek = await deps.dataKeys.forSubject(subjectId);
  const now = Date.now();
  const started = performance.now();
  for (let start = 0; start < N; start += BATCH) {
    const rows: RecordRow[] = [];
    for (let i = start; i < start + BATCH; i++) {
      const c = composeRecord(deps.catalogue, input(i, new Date(now - (i + 1) * 60_000).toISOString()), now);
      const id = randomUUID();
      rows.push({
        id,
        subjectId,
        category: c.category,
        type: c.type,
        effectiveAt: c.effectiveAt,
        createdAt: now,
        sourceKind: 'self',
        sourceAccountId: person.accountId,
        sourceOrganisationId: null,
        schemaVersion: 1,
        payload: sealRecord(dek, { id, subjectId, category: c.category, type: c.type, effectiveAt: c.effectiveAt }, c.content),
      });
    }
    await t.storage.records.insert(rows);
  }
  console.log(`export-scale: seeded ${N} records in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}, 120_000);
afterAll(() => t?.close());

interface Measured {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: number;
  seconds: number;
  /** Peak growth of live objects: heap used right after a full collection, sampled. */
  liveHeapGrowthMb: number;
  /** Peak growth of heap used, garbage included (what the collector chose not to reclaim yet). */
  heapGrowthMb: number;
  rssGrowthMb: number;
}

/** A full collection on demand, so samples count what is retained rather than garbage. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Fetches an export over a real socket, handing each complete line to `onLine` as it arrives
 * (nothing is kept), while sampling this process's memory, which is also the server's.
 */
async function measuredExport(format: string, onLine: (line: string) => void): Promise<Measured> {
  const gc = collector();
  gc();
  const base = process.memoryUsage();
  let peakLive = base.heapUsed;
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  const sample = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const quick = setInterval(sample, 5);
  const live = setInterval(() => {
    sample();
    gc();
    peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
  }, 1000);
  const started = performance.now();
  try {
    return await new Promise<Measured>((resolve, reject) => {
      // A fresh connection: a kept-alive one may be closed by the server between the two exports.
      const req = http.get(`${t.url}/v1/me/export?format=${format}`, { headers: bearer(person.token), agent: false }, (res) => {
        let rest = '';
        let bytes = 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          bytes += Buffer.byteLength(chunk);
          const lines = (rest + chunk).split('\n');
          rest = lines.pop()!;
          for (const line of lines) onLine(line);
        });
        res.on('end', () => {
          if (rest) onLine(rest);
          sample();
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            seconds: (performance.now() - started) / 1000,
            liveHeapGrowthMb: (peakLive - base.heapUsed) / 2 ** 20,
            heapGrowthMb: (peakHeap - base.heapUsed) / 2 ** 20,
            rssGrowthMb: (peakRss - base.rss) / 2 ** 20,
          });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  } finally {
    clearInterval(quick);
    clearInterval(live);
  }
}

function report(format: string, m: Measured, count: number) {
  console.log(
    `export-scale: ${format} export of ${count} records: ${(m.bytes / 2 ** 20).toFixed(1)} MiB in ${m.seconds.toFixed(1)} s; ` +
      `peak growth: live heap ${m.liveHeapGrowthMb.toFixed(1)} MiB, heap incl. garbage ${m.heapGrowthMb.toFixed(1)} MiB, RSS ${m.rssGrowthMb.toFixed(1)} MiB`,
  );
}

describe('export at scale', () => {
  it(`streams ${N} records as json in bounded memory`, async () => {
    let section = '';
    let records = 0;
    let strays = 0;
    let lastAt = Infinity;
    const m = await measuredExport('json', (line) => {
      if (/^"[A-Za-z]+":\[/.test(line)) section = line.slice(1, line.indexOf('"', 1));
      else if (line.startsWith('{"id"') && section === 'records') {
        const r = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as { subjectId: string; effectiveAt: string };
        const e = Date.parse(r.effectiveAt);
        // Someone else's record, or one out of order (newest first, none twice).
        if (r.subjectId !== person.subjectId || !(e < lastAt)) strays++;
        lastAt = e;
        records++;
      }
    });
    expect(strays).toBe(0);
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(records).toBe(N);
    report('json', m, records);
    expect(m.liveHeapGrowthMb).toBeLessThan(LIVE_HEAP_BOUND_MB);
    expect(m.rssGrowthMb).toBeLessThan(RSS_BOUND_MB);
  }, 120_000);

  it(`streams ${N} records as a FHIR Bundle in bounded memory`, async () => {
    const counts: Record<string, number> = {};
    const m = await measuredExport('fhir', (line) => {
      const type = /^,?\{"fullUrl":"urn:uuid:[0-9a-f-]{36}","resource":\{"resourceType":"([A-Za-z]+)"/.exec(line)?.[1];
      if (type) counts[type] = (counts[type] ?? 0) + 1;
    });
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    // Every record is one resource, questionnaires two (the answers and the score).
    expect(counts).toEqual({ Patient: 1, Observation: N, QuestionnaireResponse: N / 4 });
    report('fhir', m, N);
    expect(m.liveHeapGrowthMb).toBeLessThan(LIVE_HEAP_BOUND_MB);
    expect(m.rssGrowthMb).toBeLessThan(RSS_BOUND_MB);
  }, 120_000);
});
