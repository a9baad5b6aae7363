import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot, tempDir } from './helpers/process.js';

/**
 * The README walkthroughs, run as a newcomer would: the server started with `npm start` in a
 * checkout, settings only in that checkout's `tessera.env` (the port, so runs do not collide
 * on 8080), and the walkthrough shell blocks run in order by bash from the checkout, with
 * nothing in the environment but PATH and HOME. If the README drifts from the service, this
 * fails (issue #18).
 */

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

/** @returns the shell blocks of every `## Walkthrough…` section, in order */
function walkthroughBlocks(): string[] {
  const blocks: string[] = [];
  for (const section of readme.split(/^## /m).filter((s) => s.startsWith('Walkthrough'))) {
    for (const m of section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) blocks.push(m[1]!);
  }
  return blocks;
}

const dirs: string[] = [];
let checkout: string;
let home: string;
let port: number;
let server: ChildProcess | undefined;
let serverOut = '';

/**
 * Only PATH and HOME. `npm_config_ignore_scripts` skips the pre-scripts that rebuild dist/
 * (npm test built it already, and a second build writing dist/ while other test files run it
 * would race); TMPDIR puts the scratch folder a walkthrough makes with `mktemp -d` (holding a
 * private key) under HOME, so it goes with it. Neither changes what the README asks the reader
 * to set.
 */
function shellEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home, npm_config_ignore_scripts: 'true' };
}

function stopServer(): void {
  if (server?.pid !== undefined && server.exitCode === null) {
    try {
      // npm start runs node as its child: end the whole process group it leads.
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

beforeAll(async () => {
  checkout = tempDir('tessera-readme-');
  home = tempDir('tessera-readme-home-');
  dirs.push(checkout, home);
  // A checkout after `npm install`: the package, its dependencies and the build.
  for (const entry of ['package.json', 'node_modules', 'dist', 'migrations', 'keys.example', 'test']) {
    fs.symlinkSync(path.join(repoRoot, entry), path.join(checkout, entry));
  }
  port = await freePort();
  fs.writeFileSync(path.join(checkout, 'tessera.env'), `PORT=${port}\n`);
  server = spawn('npm', ['start'], { cwd: checkout, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stdout!.on('data', (d: Buffer) => (serverOut += d.toString('utf8')));
  server.stderr!.on('data', (d: Buffer) => (serverOut += d.toString('utf8')));
  const started = Date.now();
  while (!serverOut.includes('Server listening at')) {
    if (server.exitCode !== null || Date.now() - started > 45_000) throw new Error(`npm start did not serve: ${serverOut.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(() => {
  stopServer();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function runShell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: checkout, env: shellEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }, 110_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('README walkthroughs', () => {
  it('has the five walkthroughs, written for the default port', () => {
    const blocks = walkthroughBlocks();
    expect(blocks).toHaveLength(5);
    expect(blocks[0]).toContain('BASE=http://127.0.0.1:8080\n');
    expect(readme).toMatch(/tessera\.env/);
  });

  it('all run, in order, from a second shell in the checkout, against the live server', async () => {
    const script = walkthroughBlocks().join('\n').replace('BASE=http://127.0.0.1:8080\n', `BASE=http://127.0.0.1:${port}\n`);
    const res = await runShell(script);
    expect(res.code, `${res.stderr}\n${res.stdout}`).toBe(0);
    const out = res.stdout;
    // Walkthrough 1: scored on the way in, listed, exported outside the checkout, refreshed.
    expect(out).toContain('"score":21.54');
    expect(out).toContain('"text": "Walk to the allotment twice a week"');
    expect(fs.existsSync(path.join(home, 'my-tessera.fhir.json'))).toBe(true);
    expect(fs.readdirSync(checkout).filter((f) => f.endsWith('.json'))).toEqual(['package.json']);
    expect(out).toContain('"QuestionnaireResponse"');
    expect(out).toContain('"handle": "alex"');
    // Walkthrough 2: the operator's CLI found the server's database (the login after it worked).
    expect(out).toMatch(/admin ops created \(accountId [0-9a-f-]{36}\) in .*tessera\.db/);
    expect(out).toContain('"status": "active"');
    expect(out).toContain('"categories": [\n    "mental-wellbeing",\n    "goals"\n  ]');
    expect(out).toContain('"action": "records.read"');
    // Connected with an invite code, and names instead of ids.
    expect(out).toContain('"shareName": true');
    expect(out).toContain('"subjectName": "Alex"');
    expect(out).toContain('"actorName": "Sam, link-worker, Riverside Social Prescribing"');
    expect(out).toContain('"status": "revoked"');
    expect(out).toMatch(/^404$/m);
    // Walkthrough 3: a delegate within powers, a referral approved, break-glass flagged, a dispute amended.
    expect(out).toContain('delegate gives access: 403');
    expect(out).toMatch(/\{"action":"records\.read","actorName":"Jo[^"]*","onBehalfOf":true\}/);
    expect(out).toContain('{"status":"pending","referTo":"Riverside Social Prescribing"}');
    expect(out).toContain('{"status":"active","categories":["mental-wellbeing"],"purpose":"social-prescribing"}');
    expect(out).toContain('Sam reads after the referral: 200');
    expect(out).toContain('["approved"]');
    expect(out).toContain('{"maxMinutes":60,"organisations":["County Out of Hours"]}');
    expect(out).toMatch(/\["[^\]]*emergency-access[^\]]*\]/);
    expect(out).toContain('"flagged":true}');
    expect(out).toContain('{"status":"open","writer":"Dr Patel, gp, Hillside Surgery"}');
    expect(out).toContain('{"status":"amended","newScore":8}');
    expect(out).toContain('{"score":24,"dispute":"amended","replaces":false}');
    expect(out).toContain('{"score":8,"dispute":null,"replaces":true}');
    // Walkthrough 4: aggregates under outcome-reporting consent, with disclosure control.
    expect(out).toContain('"access": "aggregate"');
    expect(out).toMatch(/"n": 10,\s*"suppressed": false,\s*"value": 3\.63/);
    expect(out).toMatch(/"value": 0\.5,\s*"meaningfulChange": 3/);
    expect(out).toContain('{"group":{"month":"2026-02"},"n":0,"suppressed":false,"value":null}');
    expect(out).toContain('{"group":{"month":"2026-03"},"n":10,"suppressed":false,"value":22.88}');
    expect(out).toContain('{"group":{},"n":null,"suppressed":true,"value":null}');
    expect(out).toContain('"action": "outcomes.query"');
    // Walkthrough 5: SMART Backend Services, a FHIR search, Bulk Data and imports.
    expect(out).toContain('"fhirVersion":"4.0.1"');
    expect(out).toMatch(/\{"type":"searchset","link":\["self","next"\],"codes":\["[0-9-]+"\]\}/);
    expect(out).toContain('[{"value":64,"unit":"/min"}]');
    expect(out).toContain('{"resourceType":"Observation","value":64}');
    expect(out).toContain('["This token\'s SMART scopes do not allow searching Goal"]');
    expect(out).toMatch(/\{"requiresAccessToken":true,"output":\[\{"type":"Patient","count":1\},\{"type":"Observation","count":\d+\}\]\}/);
    expect(out).toMatch(/^202$/m);
    expect(out).toContain('{"status":"completed","format":"omh","added":1,"skipped":0}');
    expect(out).toContain('{"status":"completed","format":"omh","added":0,"skipped":1}');
    expect(out).toMatch(/\{"status":"completed","added":\d+,"skipped":\d+\}/);
    // Nothing but the README's own data folder was made in the checkout.
    expect(fs.readdirSync(checkout).sort()).toEqual(['data', 'dist', 'keys.example', 'migrations', 'node_modules', 'package.json', 'tessera.env', 'test']);
  }, 120_000);
});
