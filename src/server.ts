import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import { openRuntime } from './compose.js';
import type { Deps } from './core/deps.js';
import { checkRecentLog } from './features/access-log/verify.js';
import { reapplyErasures } from './features/accounts/erasure-ledger.js';
import { backfillMacs } from './features/keys/remac.js';
import { describeDatabase } from './cli/database.js';

/** How long SIGTERM may take before the process exits anyway (within 10 s: docs/reliability.md). */
const SHUTDOWN_DEADLINE_MS = 9_000;

function devKeysWarning(path: string, generated: boolean): string {
  const line = '!'.repeat(78);
  return [
    line,
    `!! DEVELOPMENT KEYS ${generated ? 'GENERATED' : 'IN USE'}: ${path}`,
    '!! TESSERA_KEYS_FILE is not set, so the key-encryption key and the token signing key',
    '!! live beside the database. Anyone with the data folder can read everything in it.',
    '!! For real data, create a keys file with `tessera keys generate`, keep it apart from',
    '!! the data folder and backups, and point TESSERA_KEYS_FILE at it.',
    line,
  ].join('\n');
}

/** Entries checked at start-up; the full walk is `tessera audit verify`. */
const START_CHECK_ENTRIES = 1000;

async function checkLogAtStart(app: FastifyInstance, deps: Deps): Promise<void> {
  const { checked, broken } = await checkRecentLog(deps, START_CHECK_ENTRIES);
  if (broken) {
    app.log.warn({ ...broken }, 'ACCESS LOG TAMPERED: a recent entry does not match its chain; run `tessera audit verify`');
  } else {
    app.log.info({ checked }, 'recent access-log entries verified');
  }
}

/**
 * Opens storage and keys, serves HTTP, and on SIGTERM/SIGINT drains in-flight requests, then
 * closes the storage (SQLite checkpoints first).
 * @returns the listening app and a stop function
 */
export async function startServer(config: Config): Promise<{ app: FastifyInstance; stop: () => Promise<void> }> {
  const runtime = await openRuntime(config, { serving: true });
  const { keys, deps } = runtime;
  if (!config.keysFile) process.stderr.write(devKeysWarning(keys.path, keys.generated) + '\n');
  let app: FastifyInstance;
  try {
    // Before anything is served: a database restored from before an erasure is erased again.
    const erased = await reapplyErasures(deps);
    app = await buildApp({ deps, limits: config.rateLimits });
    if (!config.keysFile) app.log.warn({ keysFile: keys.path }, 'development keys in use: set TESSERA_KEYS_FILE for real data');
    app.log.info({ database: describeDatabase(config), erasureLedger: config.erasureLedgerFile }, 'database opened');
    if (erased.reapplied.length) app.log.warn({ count: erased.reapplied.length }, 'erasure ledger: people erased before this database was restored were erased again');
    if (erased.invalid) app.log.error({ invalid: erased.invalid }, 'erasure ledger: entries whose signature does not verify were skipped');
    const backfill = await backfillMacs(deps);
    if (backfill) {
      // Normal once, on the first start after the upgrade that added MACs; again means someone removed the marker.
      app.log.warn({ remade: backfill.remade, refused: backfill.refused.length }, 'row MACs made for rows that had none (first start with integrity checks)');
    }
    await checkLogAtStart(app, deps);
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await runtime.close();
    throw e;
  }
  // `tessera keys rotate` rewrites the keys file while we serve: pick up the new current KEK
  // and signing key (old ones stay in the file, so nothing in flight breaks).
  const onKeysChanged = () => {
    try {
      keys.keyring.reload();
      app.log.info({ kek: keys.keyring.currentKekId, kid: keys.keyring.signing.kid }, 'keys file re-read');
    } catch (e) {
      app.log.error({ err: e }, 'keys file changed but could not be read; keeping the keys in use');
    }
  };
  fs.watchFile(keys.path, { interval: 2000 }, onKeysChanged);
  // On PostgreSQL `keys rotate` also tells every instance at once, wherever it runs.
  const stopListening = deps.storage.events.subscribe('keys-file', onKeysChanged);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const deadline = setTimeout(() => {
        app.log.error('shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      fs.unwatchFile(keys.path, onKeysChanged);
      stopListening();
      try {
        await app.close();
      } finally {
        await runtime.close();
        clearTimeout(deadline);
      }
    })());
  return { app, stop };
}
