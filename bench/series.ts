import { importAndWait } from './imports.js';
import { measured, withRss, type LoadResult, type Server } from './lib.js';

/**
 * The dense-series case of `npm run bench -- --series` (docs/performance.md "Dense series"):
 * minute heart rate for every seeded person over `days` days, posted as one FHIR Bundle per
 * person (one Observation with valueSampledData a day, as wearables' FHIR exports and Tessera's
 * own exports have it) to `POST /v1/subjects/{id}/imports` under the practitioner's append
 * grants, timed from the first request to the last job's `completed`; then 7-day windows read
 * through `/v1` and FHIR under the read grants.
 */

/** A stuck job ends the run: bounded at 5 minutes an import. */
const TIMEOUT_MS = 300_000;
const DAY = 86_400_000;
/** The series' first day. */
const START = Date.UTC(2026, 0, 1);

/**
 * A day's minute heart rate as a wearable reports it: a random walk (steps of up to ±3 beats,
 * kept within 45–150) from a deterministic generator, so the database's bytes a reading reflect
 * real variation, not a repeating pattern that deflate folds away.
 */
function bundle(days: number, seed: number): string {
  let state = (seed + 1) * 2_654_435_761;
  const random = () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
  let hr = 70;
  const entry = [];
  for (let d = 0; d < days; d++) {
    const values = new Array<number>(1440);
    for (let m = 0; m < 1440; m++) {
      hr = Math.min(150, Math.max(45, hr + Math.round(random() * 6 - 3)));
      values[m] = hr;
    }
    entry.push({
      resource: {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
        effectivePeriod: { start: new Date(START + d * DAY).toISOString(), end: new Date(START + d * DAY + 1439 * 60_000).toISOString() },
        valueSampledData: { origin: { value: 0, system: 'http://unitsofmeasure.org', code: '/min' }, period: 60_000, dimensions: 1, data: values.join(' ') },
      },
    });
  }
  return JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry });
}

export interface SeriesFigures {
  people: number;
  days: number;
  readings: number;
  seconds: number;
  readingsPerSec: number;
  ingestPeakRssMb: number;
  read7d: LoadResult & { cpuMsPerReq: number };
  fhir7d: LoadResult & { cpuMsPerReq: number };
}

/**
 * Imports every person's series (`parallel` at a time), then loads 7-day window reads.
 * @param pick a deterministic index into the people, per request
 */
export async function measureSeries(
  server: Server,
  token: string,
  subjectIds: string[],
  days: number,
  seconds: number,
  pick: (n: number) => number,
  parallel = 2,
): Promise<SeriesFigures> {
  const bodies = new Map<number, string>();
  // Ten distinct bodies, reused: building 1,000 of them would time the bench, not the service.
  const bodyOf = (k: number) => {
    const key = k % 10;
    if (!bodies.has(key)) bodies.set(key, bundle(days, key));
    return bodies.get(key)!;
  };
  for (let k = 0; k < 10; k++) bodyOf(k);
  let next = 0;
  let readings = 0;
  const t0 = performance.now();
  const ingest = await withRss(server, () =>
    Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < subjectIds.length) {
          const k = next++;
          const { added } = await importAndWait(server.base, token, subjectIds[k]!, bodyOf(k), 'application/fhir+json', TIMEOUT_MS);
          readings += added;
        }
      }),
    ),
  );
  const secs = (performance.now() - t0) / 1000;
  const headers = { authorization: `Bearer ${token}` };
  // A week in the middle of the series, so both bounds cut inside a day's chunk.
  const from = new Date(START + 10 * DAY + 6 * 3_600_000).toISOString();
  const to = new Date(START + 17 * DAY + 6 * 3_600_000).toISOString();
  const person = () => subjectIds[pick(subjectIds.length)]!;
  const read7d = await measured(server, {
    title: 'series read',
    url: server.base,
    headers,
    path: () => `/v1/subjects/${person()}/records?type=heart-rate&from=${from}&to=${to}`,
    connections: 4,
    seconds,
  });
  const fhir7d = await measured(server, {
    title: 'series FHIR',
    url: server.base,
    headers,
    path: () => `/fhir/r4/Observation?patient=${person()}&code=${encodeURIComponent('http://loinc.org|8867-4')}&date=ge${from}&date=le${to}`,
    connections: 4,
    seconds,
  });
  return { people: subjectIds.length, days, readings, seconds: Math.round(secs * 10) / 10, readingsPerSec: Math.round(readings / secs), ingestPeakRssMb: Math.round(ingest.peakMb), read7d, fhir7d };
}
