import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongPassword } from './helpers/actors.js';
import { repoRoot, runCli, serve, tempDir, type Served } from './helpers/process.js';
import { parseKeysFile } from './helpers/reference.js';

/** The `tessera` CLI as an operator runs it: `node dist/cli.js` (built by `npm test`). */

const dirs: string[] = [];
const servers: Served[] = [];

function dataDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const s of servers) s.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('keys generate', () => {
  it('prints a keys file that the service accepts, and touches no data folder', async () => {
    const dir = dataDir();
    const res = await runCli(['keys', 'generate'], { TESSERA_DATA_DIR: dir });
    expect(res.code, res.stderr).toBe(0);
    const file = parseKeysFile(res.stdout, 'stdout');
    expect(file.keks).toHaveLength(1);
    expect(file.signingKeys).toHaveLength(1);
    expect(fs.readdirSync(dir)).toEqual([]);
    const again = await runCli(['keys', 'generate'], { TESSERA_DATA_DIR: dir });
    expect(parseKeysFile(again.stdout, 'stdout').keks[0]!.key).not.toBe(file.keks[0]!.key);
  });
});

describe('migrate', () => {
  it('applies the migrations to a fresh data folder, then has nothing left to apply', async () => {
    const dir = path.join(dataDir(), 'nested', 'data');
    const first = await runCli(['migrate'], { TESSERA_DATA_DIR: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^[1-9]\d* migration\(s\) applied/);
    expect(fs.existsSync(path.join(dir, 'tessera.db'))).toBe(true);
    const second = await runCli(['migrate'], { TESSERA_DATA_DIR: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^0 migration\(s\) applied/);
  });
});

describe('several instances', () => {
  it('serve refuses TESSERA_INSTANCES above 1 on SQLite and with development keys, naming both', async () => {
    const dir = dataDir();
    const res = await runCli(['serve'], { TESSERA_DATA_DIR: dir, TESSERA_INSTANCES: '2', PORT: '0' });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^tessera: TESSERA_INSTANCES=2, but these hold state in one process only: SQLite .*development keys/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('backup and restore on PostgreSQL point at the database’s own tools', async () => {
    const env = { TESSERA_DATA_DIR: dataDir(), TESSERA_DATABASE_URL: 'postgres://tessera@127.0.0.1:1/tessera' };
    const res = await runCli(['backup', path.join(dataDir(), 'b.db')], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/pg_dump/);
  });
});

describe('admin create', () => {
  it('creates an operator from a password on stdin, who can then log in over HTTP', async () => {
    const dir = dataDir();
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, (await runCli(['keys', 'generate'], {})).stdout, { mode: 0o600 });
    const env = { TESSERA_DATA_DIR: path.join(dir, 'data'), TESSERA_KEYS_FILE: keysFile };

    const created = await runCli(['admin', 'create', '--handle', 'Operator-One', '--password-stdin'], env, `${strongPassword}\n`);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/admin operator-one created/);
    expect(created.stdout).not.toContain(strongPassword);

    const server = await serve(env);
    servers.push(server);
    const token = await fetch(`${server.base}/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: 'operator-one', password: strongPassword }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const me = await fetch(`${server.base}/v1/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(await me.json()).toMatchObject({ kind: 'admin', handle: 'operator-one' });

    // Works while the server runs, and a taken handle is one clear line with a failing exit.
    const second = await runCli(['admin', 'create', '--handle', 'operator-two', '--password-stdin'], env, strongPassword);
    expect(second.code, second.stderr).toBe(0);
    const dup = await runCli(['admin', 'create', '--handle', 'OPERATOR-ONE', '--password-stdin'], env, strongPassword);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr.trim().split('\n')).toHaveLength(1);
    expect(dup.stderr).toMatch(/taken/);
  });

  it('refuses a weak password with one line naming it', async () => {
    const res = await runCli(['admin', 'create', '--handle', 'weakling', '--password-stdin'], { TESSERA_DATA_DIR: dataDir() }, 'short\n');
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/password/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('needs --handle and --password-stdin', async () => {
    const noHandle = await runCli(['admin', 'create', '--password-stdin'], { TESSERA_DATA_DIR: dataDir() }, strongPassword);
    expect(noHandle.code).toBe(2);
    expect(noHandle.stderr).toMatch(/--handle/);
    const noStdin = await runCli(['admin', 'create', '--handle', 'someone'], { TESSERA_DATA_DIR: dataDir() });
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toMatch(/--password-stdin/);
  });
});

const keysFileForConfigTests = path.join(tempDir('tessera-keys-'), 'keys.json');
dirs.push(path.dirname(keysFileForConfigTests));

describe('invalid configuration', () => {
  beforeAll(async () => {
    fs.writeFileSync(keysFileForConfigTests, (await runCli(['keys', 'generate'], {})).stdout, { mode: 0o600 });
  });

  // Independent child processes: run side by side.
  it.concurrent.for([
    ['PORT=abc', { PORT: 'abc' }, /PORT/],
    ['PORT out of range', { PORT: '70000' }, /PORT/],
    ['LOG_LEVEL=loud', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    ['a missing TESSERA_KEYS_FILE', { TESSERA_KEYS_FILE: '/nonexistent/tessera/keys.json' }, /TESSERA_KEYS_FILE/],
    ['TESSERA_ACCESS_TOKEN_TTL above 900', { TESSERA_ACCESS_TOKEN_TTL: '3600' }, /TESSERA_ACCESS_TOKEN_TTL/],
    ['a bad TESSERA_PUBLIC_URL', { TESSERA_PUBLIC_URL: 'not a url' }, /TESSERA_PUBLIC_URL/],
    ['a HOST that does not resolve', { HOST: 'no-such-host.invalid', TESSERA_KEYS_FILE: keysFileForConfigTests }, /HOST/],
  ] as [string, Record<string, string>, RegExp][])('%s: exit 2 with one line on stderr naming the variable, no stack trace', async ([, env, names], { expect }) => {
    const res = await runCli(['serve'], { TESSERA_DATA_DIR: dataDir(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', ...env });
    expect(res.code).toBe(2);
    const lines = res.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(names);
    expect(lines[0]).toMatch(/^tessera: /);
    expect(res.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(res.stdout).toBe('');
  });

  it.concurrent.for([
    ['serve with a keys file', ['serve'], true],
    ['serve with dev keys', ['serve'], false],
    ['migrate', ['migrate'], false],
  ] as [string, string[], boolean][])('a data folder that cannot be created (%s): exit 2 with one line naming TESSERA_DATA_DIR', async ([, args, withKeys], { expect }) => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'a-file'), 'not a folder');
    const env: Record<string, string> = { TESSERA_DATA_DIR: path.join(dir, 'a-file', 'data'), PORT: '0' };
    if (withKeys) env.TESSERA_KEYS_FILE = keysFileForConfigTests;
    const res = await runCli(args, env);
    expect(res.code).toBe(2);
    const lines = res.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/TESSERA_DATA_DIR/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it.concurrent('a database file that is not a database: exit 2 with one line', async ({ expect }) => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'tessera.db'), 'this is not SQLite, it is a text file of some length'.repeat(20));
    const res = await runCli(['serve'], { TESSERA_DATA_DIR: dir, TESSERA_KEYS_FILE: keysFileForConfigTests, PORT: '0' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toMatch(/TESSERA_DATA_DIR/);
  });

  it.concurrent('a keys file that is not valid is one line naming the file', async ({ expect }) => {
    const dir = dataDir();
    const bad = path.join(dir, 'keys.json');
    fs.writeFileSync(bad, '{"version": 2}');
    const res = await runCli(['serve'], { TESSERA_DATA_DIR: path.join(dir, 'data'), TESSERA_KEYS_FILE: bad, PORT: '0' });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr).toContain(bad);
  });

  it.concurrent('an unknown command prints the usage and exits 2', async ({ expect }) => {
    const res = await runCli(['frobnicate'], {});
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/usage: tessera/);
  });
});

describe('packaging', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

  it('package.json names the tessera bin and a start script that serves', () => {
    expect(pkg.bin.tessera).toBe('dist/cli.js');
    expect(pkg.scripts.start).toMatch(/^node (--[a-z-]+=\d+ )*dist\/cli\.js serve$/);
    expect(fs.readFileSync(path.join(repoRoot, 'src/cli.ts'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('docker-compose.yml has a data volume, a read-only keys mount and a /healthz healthcheck', () => {
    const compose = parseYaml(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { volumes: string[]; environment: Record<string, string>; healthcheck: { test: string[] | string }; profiles?: string[] }>;
      volumes: Record<string, unknown>;
    };
    // The default stack (no profile) is the one SQLite service.
    const services = Object.values(compose.services).filter((s) => !s.profiles);
    expect(services).toHaveLength(1);
    const svc = services[0]!;
    const dataDirInContainer = svc.environment.TESSERA_DATA_DIR!;
    const keysInContainer = svc.environment.TESSERA_KEYS_FILE!;
    const dataVolume = svc.volumes.find((v) => v.split(':')[1] === dataDirInContainer);
    expect(dataVolume, 'a volume on the data folder').toBeDefined();
    expect(Object.keys(compose.volumes)).toContain(dataVolume!.split(':')[0]);
    const keysMount = svc.volumes.find((v) => v.split(':')[1] === keysInContainer);
    expect(keysMount, 'the keys file is mounted').toBeDefined();
    expect(keysMount!.split(':')[2]).toBe('ro');
    const test = Array.isArray(svc.healthcheck.test) ? svc.healthcheck.test.join(' ') : svc.healthcheck.test;
    expect(test).toContain('/healthz');
  });

  it('the postgres profile runs PostgreSQL, two instances on it with one keys file, and a proxy to both', () => {
    const compose = parseYaml(fs.readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { profiles?: string[]; environment?: Record<string, string>; volumes?: string[]; image?: string }>;
    };
    const inProfile = Object.entries(compose.services).filter(([, s]) => s.profiles?.includes('postgres'));
    const instances = inProfile.filter(([, s]) => s.environment?.TESSERA_DATABASE_URL);
    expect(instances).toHaveLength(2);
    for (const [, s] of instances) {
      expect(s.environment!.TESSERA_INSTANCES).toBe('2');
      expect(s.volumes).toContain(`./keys.json:${s.environment!.TESSERA_KEYS_FILE}:ro`);
      expect(new URL(s.environment!.TESSERA_DATABASE_URL!).hostname).toBe('postgres');
    }
    expect(inProfile.map(([name]) => name)).toEqual(expect.arrayContaining(['postgres', 'proxy']));
    const nginx = fs.readFileSync(path.join(repoRoot, 'deploy/nginx.conf'), 'utf8');
    for (const [name] of instances) expect(nginx).toContain(`server ${name}:8080`);
    expect(nginx).toMatch(/location = \/v1\/alerts\/stream[^}]*proxy_buffering off/);
  });

  it('the Dockerfile is multi-stage, runs as non-root with production dependencies, and its CMD is the start script', () => {
    const docker = fs.readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    const lines = docker.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    expect(lines.filter((l) => /^FROM\s/i.test(l)).length).toBeGreaterThanOrEqual(2);
    expect(docker).toMatch(/npm ci --omit=dev/);
    const runtime = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));
    const user = runtime.filter((l) => /^USER\s/i.test(l)).pop();
    expect(user, 'the final stage sets USER').toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    const cmd = runtime.filter((l) => /^CMD\s/i.test(l)).pop()!;
    const args = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    expect(args.join(' ')).toBe(pkg.scripts.start);
    expect(runtime.some((l) => /^COPY .*migrations/.test(l))).toBe(true);
  });
});
