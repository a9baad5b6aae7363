import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Writable } from 'node:stream';
import { freePort } from './process.js';
import { buildApp, redactPaths, type AppOptions } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { generateKeysFile, Keyring, type KeysFile } from '../../src/crypto/keyring.js';
import { openSqliteStorage, type SqliteStorage } from '../../src/storage/sqlite/index.js';

export interface TestApp {
  app: FastifyInstance;
  storage: SqliteStorage;
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
 * A fresh app on a new temporary SQLite file, migrated, with its own keys (CONVENTIONS §7).
 * Rate limits are high unless a test sets them, so fixtures can create many accounts.
 */
export async function buildTestApp(
  options: {
    env?: Record<string, string>;
    limits?: AppOptions['limits'];
    loginLimiter?: AppOptions['loginLimiter'];
    /** Capture every log line (level trace) with the service's own redaction, instead of silence. */
    logStream?: Writable;
    webhookIntervalMs?: number;
    escalationIntervalMs?: number;
    /** Reuse a data folder and keys (restarts). */
    dir?: string;
    keysFile?: KeysFile;
  } = {},
): Promise<TestApp> {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  const config = loadConfig({ TESSERA_DATA_DIR: dir, LOG_LEVEL: 'silent', ...options.env });
  const keysFile = options.keysFile ?? generateKeysFile();
  const keyring = new Keyring(keysFile);
  const storage = openSqliteStorage(config.dbFile);
  const clock = new MutableClock();
  const app = await buildApp({
    config,
    storage,
    keyring,
    clock,
    logger: options.logStream
      ? { level: 'trace', stream: options.logStream, redact: { paths: redactPaths, censor: '[redacted]' } }
      : false,
    limits: { token: 100_000, signUp: 100_000, ...options.limits },
    ...(options.loginLimiter ? { loginLimiter: options.loginLimiter } : {}),
    ...(options.webhookIntervalMs ? { webhookIntervalMs: options.webhookIntervalMs } : {}),
    ...(options.escalationIntervalMs ? { escalationIntervalMs: options.escalationIntervalMs } : {}),
  });
  return {
    app,
    storage,
    keyring,
    keysFile,
    config,
    dir,
    clock,
    async close() {
      await app.close();
      storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await app.close();
      storage.close();
      const next = await buildTestApp({ ...options, dir, keysFile });
      next.clock.offsetMs = clock.offsetMs;
      return next;
    },
  };
}

/** For tests that pass their own limiter with `loginLimiter`. */
export { LoginLimiter } from '../../src/features/tokens/login-limiter.js';

/** A test app listening for real on 127.0.0.1, its public URL matching the port. */
export async function buildListeningTestApp(options: Parameters<typeof buildTestApp>[0] = {}): Promise<TestApp & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({ ...options, env: { ...options.env, PORT: String(port), TESSERA_PUBLIC_URL: url } });
  await t.app.listen({ host: '127.0.0.1', port });
  return { ...t, url };
}
