import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** Process, load and measurement helpers for the benchmark (bench/run.ts). */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** @returns a port nothing listens on right now on 127.0.0.1 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The parent's environment without Tessera settings or loaders, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TESSERA_|HOST$|PORT$|LOG_LEVEL$|NODE_OPTIONS$|UV_THREADPOOL_SIZE$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/**
 * Measures the server's event-loop delay without touching its code: a preloaded module keeps a
 * histogram and, on SIGUSR2, writes p50/p99/max (ms) to BENCH_PROBE_FILE and starts afresh.
 */
const probeSource = [
  "import { monitorEventLoopDelay } from 'node:perf_hooks';",
  "import { writeFileSync } from 'node:fs';",
  'const h = monitorEventLoopDelay({ resolution: 5 }); h.enable();',
  "process.on('SIGUSR2', () => {",
  '  const ms = (ns) => Math.round(ns / 1e4) / 100;',
  '  writeFileSync(process.env.BENCH_PROBE_FILE, JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) }));',
  '  h.reset();',
  '});',
].join('\n');
const probeImport = `data:text/javascript,${encodeURIComponent(probeSource)}`;

export interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  pid: number;
  /** Resets the event-loop histogram (SIGUSR2); @returns the stats since the last reset */
  loopDelay(): Promise<{ p50: number; p99: number; max: number }>;
  /** @returns resident set size now, in MB */
  rssMb(): number;
  /** @returns CPU seconds (user + system, all threads) the process has used so far */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts a node process that serves HTTP on 127.0.0.1:`port`, with the event-loop probe loaded,
 * and waits until `readyPath` answers.
 */
export async function startNode(
  name: string,
  args: string[],
  port: number,
  env: Record<string, string>,
  options: { readyPath: string; profileDir?: string | undefined; workDir: string },
): Promise<Server> {
  const probeFile = path.join(options.workDir, `${name}-probe.json`);
  const nodeArgs = ['--import', probeImport];
  if (options.profileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: repoRoot,
    env: childEnv({ ...env, BENCH_PROBE_FILE: probeFile }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString('utf8')).slice(-20_000)));
  // BENCH_ECHO=1 passes the servers' stderr through, for timings printed while profiling.
  if (process.env.BENCH_ECHO) child.stderr!.pipe(process.stderr);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(base + options.readyPath, child, () => out);
  } catch (e) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw e;
  }
  const pid = child.pid!;
  return {
    name,
    child,
    base,
    pid,
    async loopDelay() {
      fs.rmSync(probeFile, { force: true });
      process.kill(pid, 'SIGUSR2');
      // The file may be seen before the probe has finished writing it: read until it parses.
      for (let i = 0; i < 100; i++) {
        try {
          return JSON.parse(fs.readFileSync(probeFile, 'utf8')) as { p50: number; p99: number; max: number };
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      throw new Error(`${name}: no event-loop figures from the probe`);
    },
    rssMb() {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        return m ? Number(m[1]) / 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    cpuSeconds() {
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
        return (Number(fields[11]) + Number(fields[12])) / 100;
      } catch {
        return NaN;
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null) process.kill(pid, 'SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface Load {
  title: string;
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Called per request: a path (for a random person each time). */
  path: () => string;
  connections: number;
  seconds: number;
  /** Requests per second over all connections, or unlimited. */
  rate?: number;
}

export interface LoadResult {
  reqPerSec: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  seconds: number;
  statusCodes: Record<string, number>;
}

/** Runs one bounded autocannon load against a server on 127.0.0.1. */
export async function load(l: Load): Promise<LoadResult> {
  const opts: autocannon.Options = {
    url: l.url,
    connections: l.connections,
    duration: l.seconds,
    timeout: 30,
    method: l.method ?? 'GET',
    headers: l.headers ?? {},
    requests: [
      {
        method: l.method ?? 'GET',
        ...(l.body !== undefined ? { body: l.body } : {}),
        setupRequest: (req) => ({ ...req, path: l.path() }),
      },
    ],
  };
  if (l.body !== undefined) opts.body = l.body;
  if (l.rate) opts.overallRate = l.rate;
  const r = await autocannon(opts);
  const codes: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) codes[code] = v.count ?? 0;
  return {
    reqPerSec: r['2xx'] / r.duration,
    ok: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    p50Ms: r.latency.p50,
    p90Ms: r.latency.p90,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    seconds: r.duration,
    statusCodes: codes,
  };
}

/**
 * Runs a load and also reports the server's CPU time per successful request (ms): unlike
 * req/s, it barely moves when other processes share the machine.
 */
export async function measured(server: Server, l: Load): Promise<LoadResult & { cpuMsPerReq: number }> {
  const before = server.cpuSeconds();
  const r = await load(l);
  const cpu = server.cpuSeconds() - before;
  return { ...r, cpuMsPerReq: Math.round((cpu * 1000 * 100) / Math.max(1, r.ok)) / 100 };
}

/** Samples a server's RSS every 200 ms while `work` runs. @returns work's result and the peak (MB) */
export async function withRss<T>(server: Server, work: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = server.rssMb();
  const timer = setInterval(() => {
    const now = server.rssMb();
    if (now > peak) peak = now;
  }, 200);
  try {
    const value = await work();
    return { value, peakMb: Math.max(peak, server.rssMb()) };
  } finally {
    clearInterval(timer);
  }
}

/** Compiles src/ into dist/ (incremental), so the server under test is the current code. */
export function build(): void {
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

/** Logs in with the password grant. @returns the access token */
export async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
