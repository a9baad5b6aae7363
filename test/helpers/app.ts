import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Writable } from 'node:stream';
import { freePort } from './process.js';
import { buildApp, redactPaths, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { createDeps } from '../../src/compose.js';
import type { Deps } from '../../src/core/deps.js';
import { generateKeysFile, Keyring, type KeysFile } from '../../src/crypto/keyring.js';
import type { Storage } from '../../src/storage/contract.js';
import type { SqliteStorage } from '../../src/storage/sqlite/index.js';
import { openTestStorage, type TestStorage } from './storage.js';

export interface TestApp {
  app: FastifyInstance;
  storage: Storage;
  /** The database the app runs on (a second instance may share it). */
  database: TestStorage;
  /** The services' dependencies, the same the app was built with. */
  deps: Deps;
  /** The SQLite storage, for tests that look inside the database file (SQLite-only tests). */
  sqlite(): SqliteStorage;
  keyring: Keyring;
  keysFile: KeysFile;
  config: Config;
  dir: string;
  clock: MutableClock;
  close(): Promise<void>;
  /** Stops this app (as a restart would) and starts a new one on the same data and keys. */
  restart(): Promise<TestApp>;
}

/** A clock tests can move forward across expiry boundaries. */
export class MutableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/**
 * A fresh app on a new temporary SQLite file, migrated, with its own keys.
 * Rate limits are high unless a test sets them, so fixtures can create many accounts.
 */
export async function buildTestApp(
  options: {
    env?: Record<string, string>;
    limits?: AppOptions['limits'];
    loginLimits?: AppOptions['loginLimits'];
    /** Capture every log line (level trace) with the service's own redaction, instead of silence. */
    logStream?: Writable;
    webhookIntervalMs?: number;
    escalationIntervalMs?: number;
    /** Reuse a data folder, database and keys (restarts). */
    dir?: string;
    keysFile?: KeysFile;
    database?: TestStorage;
    /** Drop the database on close (default: when this call made it). */
    ownsDatabase?: boolean;
  } = {},
): Promise<TestApp> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  const ownsDatabase = options.ownsDatabase ?? !options.database;
  const database = options.database ?? (await openTestStorage(dir));
  const config = loadConfig({ TESSERA_DATA_DIR: dir, LOG_LEVEL: 'silent', ...database.env, ...options.env });
  const keysFile = options.keysFile ?? generateKeysFile();
  const keyring = new Keyring(keysFile);
  const storage = await database.open();
  const clock = new MutableClock();
  const deps = createDeps(config, storage, keyring, clock);
  const app = await buildApp({
    deps,
    logger: options.logStream
      ? { level: 'trace', stream: options.logStream, redact: { paths: redactPaths, censor: '[redacted]' } }
      : false,
    limits: { token: 100_000, signUp: 100_000, ...options.limits },
    ...(options.loginLimits ? { loginLimits: options.loginLimits } : {}),
    ...(options.webhookIntervalMs ? { webhookIntervalMs: options.webhookIntervalMs } : {}),
    ...(options.escalationIntervalMs ? { escalationIntervalMs: options.escalationIntervalMs } : {}),
  });
  return {
    app,
    storage,
    database,
    deps,
    sqlite: () => database.sqlite(storage),
    keyring,
    keysFile,
    config,
    dir,
    clock,
    async close() {
      await app.close();
      await storage.close();
      if (ownsDatabase) {
        await database.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart() {
      await app.close();
      await storage.close();
      const next = await buildTestApp({ ...options, dir, keysFile, database, ownsDatabase });
      next.clock.offsetMs = clock.offsetMs;
      return next;
    },
  };
}

/** For tests that set the login limits with `loginLimits`. */
export { defaultLoginLimits } from '../../src/features/tokens/login-limiter.js';

/** A test app listening for real on 127.0.0.1, its public URL matching the port. */
export async function buildListeningTestApp(options: Parameters<typeof buildTestApp>[0] = {}): Promise<TestApp & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({ ...options, env: { ...options.env, PORT: String(port), TESSERA_PUBLIC_URL: url } });
  await t.app.listen({ host: '127.0.0.1', port });
  return { ...t, url };
}

/**
 * Another instance on the same database and keys file, as a second `tessera serve` behind the
 * same public URL would be. Close it before the first: the first drops the database.
 */
export async function buildOtherInstance(first: TestApp, options: Parameters<typeof buildTestApp>[0] = {}): Promise<TestApp> {
  return buildTestApp({ ...options, database: first.database, keysFile: first.keysFile, dir: first.dir, env: { TESSERA_PUBLIC_URL: first.config.publicUrl, ...options.env } });
}
