import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateKeysFile } from '../../src/crypto/keyring.js';
import { strongPassword, uniqueHandle } from './actors.js';
import { runCli, serve, tempDir, type Served } from './process.js';

/**
 * Crash durability (issue #8): a real server (`node dist/cli.js serve`) takes concurrent writes
 * over HTTP and is SIGKILLed at random moments, then restarted on the same data folder. After
 * every restart, each write that was answered 2xx must be there and readable, nothing may be
 * half-written, the access log must verify, and an append whose answer was lost, retried with its
 * Idempotency-Key, must give exactly one record.
 */

export interface CrashOptions {
  cycles: number;
  /** Seeds kill timing and the appenders' choices; printed in the summary, to replay a failure. */
  seed?: number;
  /** Kill after this many ms of writing, drawn uniformly from the range. */
  killAfterMs?: [number, number];
  log?: (line: string) => void;
  /**
   * Run on this PostgreSQL database with two instances behind the writers (requests alternate
   * between them); each kill takes one of them, and the other must keep answering.
   */
  postgresUrl?: string;
}

export interface CrashReport {
  cycles: number;
  seed: number;
  acknowledged: { total: number; ownRecords: number; appends: number; grantCreates: number; grantRevokes: number };
  /** Acknowledged writes found missing (or changed) after any restart: must be 0. */
  lost: number;
  /** Appends whose answer never came (killed mid-flight), retried with the same key after restart. */
  lostResponsesRetried: number;
  /** Requests that never got an answer because of a kill (any kind). */
  unanswered: number;
  auditVerifications: number;
  /** Two instances: writes the surviving instance acknowledged while the other was down. */
  servedWhileOtherDown: number;
  /** Every invariant broken, with enough detail to find it. Must be empty. */
  violations: string[];
  durationMs: number;
}

interface Account {
  handle: string;
  token: string;
}

interface Citizen extends Account {
  subjectId: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** mulberry32: small, seedable, good enough for timing and payload choices. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Server dropped by a kill: the request may or may not have been applied. */
class NoAnswer extends Error {}

class Http {
  /** The instances requests go to, in turn. */
  bases: string[] = [];
  private turn = 0;

  async call(method: string, url: string, token?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    let res: Response;
    const base = this.bases[this.turn++ % this.bases.length]!;
    try {
      res = await fetch(base + url, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (e) {
      throw new NoAnswer(String(e));
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      // Headers arrived, the body did not: as good as no answer.
      throw new NoAnswer(String(e));
    }
    let parsed: Record<string, unknown> = {};
    if (text) {
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = { text };
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A call that must succeed with `status` (set-up and verification, never during a kill). */
  async must(status: number, method: string, url: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<Answer> {
    const a = await this.call(method, url, token, body, headers);
    if (a.status !== status) throw new Error(`${method} ${url}: expected ${status}, got ${a.status} ${JSON.stringify(a.body).slice(0, 500)}`);
    return a;
  }

  /** Every item of a paginated list. */
  async all(url: string, token: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1000; page++) {
      const sep = url.includes('?') ? '&' : '?';
      const a = await this.must(200, 'GET', `${url}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      items.push(...(a.body.items as Record<string, unknown>[]));
      cursor = a.body.nextCursor as string | null;
      if (!cursor) return items;
    }
    throw new Error(`${url}: more than 1000 pages`);
  }
}

interface OwnWrite {
  subjectId: string;
  id: string;
  text: string;
}

interface Append {
  key: string;
  subjectId: string;
  body: Record<string, unknown>;
  /** Set once a 2xx answer was received (first try or a retry). */
  recordId?: string;
  /** Verified by a replay since it was acknowledged. */
  replayed: boolean;
}

interface GrantState {
  subjectId: string;
  citizen: Citizen;
  /** What the last acknowledged change left it as. */
  expected: 'active' | 'revoked';
  /** A revoke was sent but not answered: either state is acceptable. */
  revokeUnanswered: boolean;
}

/**
 * Runs `cycles` write-kill-restart-verify rounds against one data folder.
 * @returns the figures; the caller asserts `lost === 0` and no violations
 */
export async function runCrashSuite(options: CrashOptions): Promise<CrashReport> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  const [killMin, killMax] = options.killAfterMs ?? [150, 1200];
  const log = options.log ?? (() => {});
  const dataDir = tempDir('tessera-crash-data-');
  const keysDir = tempDir('tessera-crash-keys-');
  const keysFile = path.join(keysDir, 'keys.json');
  const violations: string[] = [];
  const report: CrashReport = {
    cycles: 0,
    seed,
    acknowledged: { total: 0, ownRecords: 0, appends: 0, grantCreates: 0, grantRevokes: 0 },
    lost: 0,
    lostResponsesRetried: 0,
    unanswered: 0,
    auditVerifications: 0,
    servedWhileOtherDown: 0,
    violations,
    durationMs: 0,
  };

  // The format `tessera keys generate` prints, kept apart from the data folder as the README says.
  fs.writeFileSync(keysFile, JSON.stringify(generateKeysFile(), null, 2) + '\n', { mode: 0o600 });
  // A fixed public URL keeps tokens valid across restarts, whichever port the server gets.
  const env = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_KEYS_FILE: keysFile,
    TESSERA_PUBLIC_URL: 'http://tessera.crash.invalid',
    TESSERA_RATE_LIMIT_TOKEN: '100000',
    TESSERA_RATE_LIMIT_SIGNUP: '100000',
    ...(options.postgresUrl ? { TESSERA_DATABASE_URL: options.postgresUrl, TESSERA_INSTANCES: '2' } : {}),
  };

  const http = new Http();
  const servers: (Served | undefined)[] = options.postgresUrl ? [undefined, undefined] : [undefined];
  const start = async () => {
    // Instances come up together on PostgreSQL, as behind a load balancer (one migration run).
    await Promise.all(servers.map(async (s, i) => (servers[i] = s && s.child.exitCode === null && s.child.signalCode === null ? s : await serve(env))));
    http.bases = servers.map((s) => s!.base);
  };
  const acknowledged = () => report.acknowledged.ownRecords + report.acknowledged.appends + report.acknowledged.grantCreates + report.acknowledged.grantRevokes;

  const ownWrites: OwnWrite[] = [];
  const appends = new Map<string, Append>();
  const grants = new Map<string, GrantState>();
  const lostWrites = new Set<string>();

  try {
    await start();

    // Set-up, acknowledged before any kill: an operator (CLI, as in the README), an organisation,
    // a practitioner, three citizens each giving the practitioner an append grant.
    const adminHandle = uniqueHandle('ops');
    const created = await runCli(['admin', 'create', '--handle', adminHandle, '--password-stdin'], env, `${strongPassword}\n`);
    if (created.code !== 0) throw new Error(`admin create failed: ${created.stderr}`);
    const login = async (handle: string) =>
      (await http.must(200, 'POST', '/v1/token', undefined, { grant_type: 'password', username: handle, password: strongPassword })).body
        .access_token as string;
    const admin = { handle: adminHandle, token: await login(adminHandle) };
    const org = (await http.must(201, 'POST', '/v1/organisations', admin.token, { name: 'Crash Test Practice', kind: 'gp-practice' })).body
      .id as string;
    const practitionerHandle = uniqueHandle('gp');
    const practitionerId = (
      await http.must(201, 'POST', `/v1/organisations/${org}/practitioners`, admin.token, {
        handle: practitionerHandle,
        password: strongPassword,
        displayName: 'Dr Crash',
        role: 'gp',
      })
    ).body.accountId as string;
    const practitioner: Account = { handle: practitionerHandle, token: await login(practitionerHandle) };
    const citizens = await Promise.all(
      [0, 1, 2].map(async (i): Promise<Citizen> => {
        const handle = uniqueHandle('crash');
        const signUp = await http.must(201, 'POST', '/v1/accounts', undefined, { handle, password: strongPassword, displayName: `Person ${i}` });
        const c: Citizen = { handle, subjectId: signUp.body.subjectId as string, token: await login(handle) };
        await http.must(201, 'POST', '/v1/me/grants', c.token, {
          grantee: { accountId: practitionerId },
          access: 'append',
          categories: ['health-status'],
          purpose: 'direct-care',
        });
        return c;
      }),
    );

    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      // Writers run until the kill; each loop is bounded in case the kill never lands.
      let stopped = false;
      const maxOps = 2_000;

      const ownWriter = async (c: Citizen, w: number) => {
        for (let n = 0; n < maxOps && !stopped; n++) {
          const text = `cycle ${cycle} writer ${w} n ${n} ${randomUUID()}`;
          try {
            const a = await http.call('POST', '/v1/me/records', c.token, { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text });
            if (a.status !== 201) {
              violations.push(`own record write answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
              continue;
            }
            ownWrites.push({ subjectId: c.subjectId, id: a.body.id as string, text });
            report.acknowledged.ownRecords++;
          } catch (e) {
            if (!(e instanceof NoAnswer)) throw e;
            report.unanswered++;
          }
        }
      };

      const appender = async () => {
        for (let n = 0; n < maxOps && !stopped; n++) {
          const c = citizens[Math.floor(random() * citizens.length)]!;
          const key = randomUUID();
          const body = { type: 'heart-rate', effectiveAt: '2026-03-02T09:00:00Z', value: 40 + Math.floor(random() * 100), detail: { key } };
          const entry: Append = { key, subjectId: c.subjectId, body, replayed: false };
          appends.set(key, entry);
          try {
            const a = await http.call('POST', `/v1/subjects/${c.subjectId}/records`, practitioner.token, body, { 'idempotency-key': key });
            if (a.status !== 201) {
              violations.push(`append answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
              appends.delete(key);
              continue;
            }
            entry.recordId = a.body.id as string;
            report.acknowledged.appends++;
          } catch (e) {
            if (!(e instanceof NoAnswer)) throw e;
            report.unanswered++;
          }
        }
      };

      const grantChanger = async (c: Citizen) => {
        for (let n = 0; n < maxOps && !stopped; n++) {
          const active = [...grants].filter(([, g]) => g.citizen === c && g.expected === 'active' && !g.revokeUnanswered);
          try {
            if (active.length > 0 && random() < 0.5) {
              const [id, g] = active[Math.floor(random() * active.length)]!;
              g.revokeUnanswered = true;
              const a = await http.call('DELETE', `/v1/me/grants/${id}`, c.token);
              if (a.status !== 200) {
                violations.push(`grant revoke answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
                continue;
              }
              g.expected = 'revoked';
              g.revokeUnanswered = false;
              report.acknowledged.grantRevokes++;
            } else {
              const a = await http.call('POST', '/v1/me/grants', c.token, {
                grantee: { accountId: practitionerId },
                access: 'read',
                categories: ['wellbeing'],
                purpose: 'direct-care',
              });
              if (a.status !== 201) {
                violations.push(`grant create answered ${a.status}: ${JSON.stringify(a.body).slice(0, 300)}`);
                continue;
              }
              grants.set(a.body.id as string, { subjectId: c.subjectId, citizen: c, expected: 'active', revokeUnanswered: false });
              report.acknowledged.grantCreates++;
            }
          } catch (e) {
            if (!(e instanceof NoAnswer)) throw e;
            report.unanswered++;
          }
        }
      };

      const writers = [
        ...citizens.map((c, i) => ownWriter(c, i)),
        ownWriter(citizens[0]!, 3),
        appender(),
        appender(),
        appender(),
        grantChanger(citizens[1]!),
        grantChanger(citizens[2]!),
      ];
      const killAfter = killMin + Math.floor(random() * (killMax - killMin));
      await new Promise((r) => setTimeout(r, killAfter));
      const victim = Math.floor(random() * servers.length);
      const server = servers[victim]!;
      server.kill();
      const exit = await server.exited(10_000);
      if (servers.length > 1) {
        // The other instance goes on serving the same writers alone.
        http.bases = servers.filter((_, i) => i !== victim).map((s) => s!.base);
        const before = acknowledged();
        await new Promise((r) => setTimeout(r, 400));
        const served = acknowledged() - before;
        report.servedWhileOtherDown += served;
        if (served === 0) violations.push(`cycle ${cycle}: the surviving instance acknowledged no write while the other was down`);
      }
      stopped = true;
      await Promise.all(writers);
      if (exit.signal !== 'SIGKILL') violations.push(`cycle ${cycle}: server ended with ${exit.code}/${exit.signal}, not by the kill`);

      await start();
      report.cycles = cycle;
      const before = violations.length;
      await verify(http, { citizens, practitioner, ownWrites, appends, grants, report, violations, lostWrites, env, final: cycle === options.cycles });
      log(`crash cycle ${cycle}: killed after ${killAfter} ms; ${report.acknowledged.total} acknowledged so far; ${violations.length - before} new violation(s)`);
    }
  } finally {
    for (const server of servers) {
      server?.kill();
      if (server) await server.exited(10_000).catch(() => undefined);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(keysDir, { recursive: true, force: true });
  }
  report.durationMs = Date.now() - started;
  return report;
}

interface VerifyContext {
  citizens: Citizen[];
  practitioner: Account;
  ownWrites: OwnWrite[];
  appends: Map<string, Append>;
  grants: Map<string, GrantState>;
  report: CrashReport;
  violations: string[];
  /** Each lost write once, however many restarts find it missing. */
  lostWrites: Set<string>;
  env: Record<string, string>;
  /** Replay every acknowledged key, not only the newly acknowledged ones. */
  final: boolean;
}

/** After a restart: everything acknowledged is there and opens; nothing is half-written. */
async function verify(http: Http, v: VerifyContext): Promise<void> {
  const { report, violations, lostWrites } = v;
  // 6. The hash chains verify: the CLI opens the database beside the running server, while the
  // HTTP checks below run.
  const audit = runCli(['audit', 'verify'], v.env);
  const lost = (id: string, what: string) => {
    violations.push(`LOST: ${what}`);
    lostWrites.add(id);
    report.lost = lostWrites.size;
  };

  // 1. Appends whose answer was lost: the same key and body again must give 201, once.
  for (const a of v.appends.values()) {
    if (a.recordId) continue;
    const r = await http.call('POST', `/v1/subjects/${a.subjectId}/records`, v.practitioner.token, a.body, { 'idempotency-key': a.key });
    if (r.status !== 201) {
      violations.push(`retry of unanswered append ${a.key} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      continue;
    }
    a.recordId = r.body.id as string;
    a.replayed = true;
    report.lostResponsesRetried++;
    report.acknowledged.appends++;
  }
  // 2. Acknowledged appends replay to the same record ("no key without its records").
  for (const a of v.appends.values()) {
    if (!a.recordId || (a.replayed && !v.final)) continue;
    const r = await http.call('POST', `/v1/subjects/${a.subjectId}/records`, v.practitioner.token, a.body, { 'idempotency-key': a.key });
    if (r.status !== 201 || r.body.id !== a.recordId) {
      violations.push(`replay of acknowledged append ${a.key} answered ${r.status} ${String(r.body.id)} (expected 201 ${a.recordId})`);
      if (r.status === 404) lost(a.key, `append ${a.recordId} (key ${a.key})`);
    } else if (r.headers.get('idempotent-replayed') !== 'true') {
      violations.push(`replay of append ${a.key} was not marked idempotent-replayed`);
    }
    a.replayed = true;
  }

  await Promise.all(
    v.citizens.map(async (c) => {
      // 3. Every record opens (a list decrypts every item), and every acknowledged one is there.
      const records = await http.all('/v1/me/records', c.token);
      const byId = new Map(records.map((r) => [r.id as string, r]));
      for (const w of v.ownWrites) {
        if (w.subjectId !== c.subjectId) continue;
        const r = byId.get(w.id);
        if (!r) lost(w.id, `own record ${w.id}`);
        else if (r.text !== w.text) lost(w.id, `own record ${w.id} changed: ${String(r.text)} != ${w.text}`);
      }
      const perKey = new Map<string, number>();
      for (const r of records) {
        if ((r.source as { kind: string }).kind === 'self') continue;
        const key = (r.detail as { key?: string } | undefined)?.key ?? '(none)';
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
      for (const a of v.appends.values()) {
        if (a.subjectId !== c.subjectId || !a.recordId) continue;
        if (!byId.has(a.recordId)) lost(a.key, `append ${a.recordId} (key ${a.key})`);
      }
      for (const [key, n] of perKey) {
        if (n !== 1) violations.push(`idempotency key ${key} has ${n} records, not exactly one`);
        if (!v.appends.has(key)) violations.push(`a supporter record carries key ${key}, which no appender sent`);
      }

      // 4. No record or grant change without its access-log entry, written in the same commit.
      const entries = await http.all('/v1/me/access-log', c.token);
      const appended = new Set<string>();
      const grantLogged = new Map<string, Set<string>>();
      for (const e of entries) {
        const action = e.action as string;
        if (action === 'records.append') for (const id of e.recordIds as string[]) appended.add(id);
        for (const g of e.grantIds as string[]) {
          if (!grantLogged.has(g)) grantLogged.set(g, new Set());
          grantLogged.get(g)!.add(action);
        }
      }
      for (const r of records) {
        if ((r.source as { kind: string }).kind !== 'self' && !appended.has(r.id as string)) {
          violations.push(`half-written: record ${String(r.id)} has no records.append access-log entry`);
        }
      }

      // 5. Grants are in the state last acknowledged, and their changes are logged.
      const listed = await http.all('/v1/me/grants', c.token);
      const status = new Map(listed.map((g) => [g.id as string, g.status as string]));
      for (const [id, g] of v.grants) {
        if (g.subjectId !== c.subjectId) continue;
        const s = status.get(id);
        if (!s) lost(id, `grant ${id}`);
        else if (s !== g.expected && !(g.revokeUnanswered && s === 'revoked')) lost(id, `grant ${id} is ${s}, acknowledged as ${g.expected}`);
        else if (g.revokeUnanswered) {
          // The unanswered revoke's outcome is now known; later cycles hold it to that.
          g.expected = s as 'active' | 'revoked';
          g.revokeUnanswered = false;
        }
      }
      for (const g of listed) {
        const actions = grantLogged.get(g.id as string) ?? new Set();
        if (!actions.has('grant.create')) violations.push(`half-written: grant ${String(g.id)} has no grant.create access-log entry`);
        if (g.status === 'revoked' && !actions.has('grant.revoke')) violations.push(`half-written: revoked grant ${String(g.id)} has no grant.revoke entry`);
      }
    }),
  );

  const audited = await audit;
  report.auditVerifications++;
  if (audited.code !== 0) violations.push(`audit verify exited ${audited.code}: ${audited.stderr.trim()}`);

  report.acknowledged.total =
    v.ownWrites.length + [...v.appends.values()].filter((a) => a.recordId).length + report.acknowledged.grantCreates + report.acknowledged.grantRevokes;
}

/** The one-line summary the issue asks for. */
export function crashSummary(r: CrashReport): string {
  return (
    `crash: ${r.cycles} cycles, ${r.acknowledged.total} acknowledged writes, ${r.lost} lost ` +
    `(${r.acknowledged.ownRecords} own records, ${r.acknowledged.appends} appends, ${r.acknowledged.grantCreates} grant creates, ` +
    `${r.acknowledged.grantRevokes} revokes; ${r.unanswered} requests cut off by kills, ${r.lostResponsesRetried} lost append answers retried ` +
    `to exactly one record; ${r.auditVerifications} audit verifications; ` +
    (r.servedWhileOtherDown ? `${r.servedWhileOtherDown} writes served by one instance while the other was down; ` : '') +
    `${r.violations.length} violations; seed ${r.seed}; ` +
    `${(r.durationMs / 1000).toFixed(1)} s)`
  );
}
