/**
 * The import phase of `npm run bench`: Open mHealth step-count data points posted to
 * `POST /v1/subjects/{id}/imports` in one body each, timed from the request to the job's
 * `completed` status (parse, check, digest, seal, one transaction). Steps stay one record each
 * (heart rate would go into day chunks, which `--series` measures), so the figure is a record
 * import's. Imports run one after another, so the figure is one job's throughput.
 */

const POLL_MS = 25;
/** A stuck job ends the phase instead of the run: bounded at 2 minutes an import. */
const TIMEOUT_MS = 120_000;

function dataPoints(n: number, seed: number): string {
  const start = Date.UTC(2024, 0, 1) + seed * 1000;
  const points = [];
  for (let i = 0; i < n; i++) {
    const at = new Date(start + i * 60_000).toISOString();
    points.push({
      header: { schema_id: { namespace: 'omh', name: 'step-count', version: '2.0' }, creation_date_time: at },
      body: { step_count: { value: 50 + ((i * 7 + seed) % 600), unit: 'steps' }, effective_time_frame: { date_time: at } },
    });
  }
  return JSON.stringify(points);
}

/**
 * Posts one import under `token` and polls it until it is no longer running.
 * @param timeoutMs how long the job may run before the bench gives up
 * @returns the completed import's status
 */
export async function importAndWait(base: string, token: string, subjectId: string, body: string, contentType: string, timeoutMs = TIMEOUT_MS): Promise<{ status: string; added: number }> {
  const headers = { authorization: `Bearer ${token}` };
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/subjects/${subjectId}/imports`, { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
  if (res.status !== 202 && res.status !== 201) throw new Error(`import answered ${res.status}: ${await res.text()}`);
  const location = res.headers.get('location')!;
  let status = (await res.json()) as { status: string; added: number };
  while (status.status === 'running') {
    if (performance.now() - t0 > timeoutMs) throw new Error('import did not finish in time');
    await new Promise((r) => setTimeout(r, POLL_MS));
    status = (await (await fetch(`${base}${location}`, { headers })).json()) as { status: string; added: number };
  }
  if (status.status !== 'completed') throw new Error(`import ${status.status}: ${JSON.stringify(status)}`);
  return status;
}

export interface ImportFigures {
  imports: number;
  pointsPerImport: number;
  recordsPerSec: number;
  /** The slowest import, seconds. */
  maxSeconds: number;
}

/** Imports `count` bodies of `n` data points into the first people of `subjectIds`. */
export async function measureImports(base: string, token: string, subjectIds: string[], count = 3, n = 20_000): Promise<ImportFigures> {
  let added = 0;
  let total = 0;
  let maxSeconds = 0;
  for (let k = 0; k < count; k++) {
    const body = dataPoints(n, k);
    const subject = subjectIds[k % subjectIds.length]!;
    const t0 = performance.now();
    const status = await importAndWait(base, token, subject, body, 'application/json');
    const seconds = (performance.now() - t0) / 1000;
    added += status.added;
    total += seconds;
    maxSeconds = Math.max(maxSeconds, seconds);
  }
  return { imports: count, pointsPerImport: n, recordsPerSec: Math.round(added / total), maxSeconds: Math.round(maxSeconds * 100) / 100 };
}
