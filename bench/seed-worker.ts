import { parentPort, workerData } from 'node:worker_threads';
import fs from 'node:fs';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/core/actor.js';
import { createDeps } from '../src/compose.js';
import { initCrypto } from '../src/crypto/aead.js';
import { Keyring } from '../src/crypto/keyring.js';
import { prepareRecords } from '../src/features/records/service.js';
import { openSqliteStorage } from '../src/storage/sqlite/index.js';
import { recordInput, rng, type SeedTask, type SeedRows } from './seed-mix.js';

/**
 * A seeding worker: prepares one chunk of people's records at a time with the records service
 * itself (validation, scoring, sealing with each person's data key, read from its own
 * connection), and hands the rows back for the main thread to insert.
 */
const { dataDir, keysFile } = workerData as { dataDir: string; keysFile: string };
const config = loadConfig({ TESSERA_DATA_DIR: dataDir, TESSERA_KEYS_FILE: keysFile, LOG_LEVEL: 'silent' });
await initCrypto();
const storage = openSqliteStorage(config.dbFile, { migrate: false });
const deps = createDeps(config, storage, new Keyring(JSON.parse(fs.readFileSync(keysFile, 'utf8'))));

parentPort!.on('message', (task: SeedTask | null) => {
  if (task === null) {
    // Not storage.close(): its TRUNCATE checkpoint would wait on the main thread's inserts and,
    // with gigabytes of WAL behind it, hold the lock past their busy timeout (SQLITE_BUSY at 10M).
    storage.db.$client.close();
    parentPort!.close();
    return;
  }
  void (async () => {
    const r = rng(task.seed);
    const now = deps.clock.now();
    const out: SeedRows = { chunk: task.chunk, columns: [], payloads: [] };
    for (const p of task.people) {
      const citizen: Actor = { accountId: p.accountId, kind: 'citizen', sessionId: 'seed', subjectId: p.subjectId, organisationId: null, scopes: null };
      const inputs = Array.from({ length: p.n }, () => recordInput(r, now));
      const { rows } = await prepareRecords(deps, citizen, p.subjectId, inputs, true);
      for (const x of rows) {
        out.columns.push([x.id, x.subjectId, x.category, x.type, x.effectiveAt, x.createdAt, x.sourceKind, x.sourceAccountId, x.sourceOrganisationId, x.schemaVersion]);
        out.payloads.push(x.payload);
      }
    }
    parentPort!.postMessage(out);
  })();
});
