import { signedAccount } from '../src/core/integrity.js';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../src/config.js';
import type { Actor } from '../src/core/actor.js';
import { createDeps } from '../src/compose.js';
import { initCrypto } from '../src/crypto/aead.js';
import { sealField } from '../src/crypto/envelope.js';
import { generateKeysFile, Keyring, writeKeysFile } from '../src/crypto/keyring.js';
import { hashPassword } from '../src/crypto/passwords.js';
import { logEntry } from '../src/features/access-log/entry.js';
import { newGrant } from '../src/features/grants/service.js';
import type { Terms } from '../src/features/grants/terms.js';
import type { OrganisationInput, PractitionerInput } from '../src/features/organisations/schemas.js';
import { createOrganisation, addPractitioner } from '../src/features/organisations/service.js';
import type { AccountRow, GrantRow, LogEntryInput } from '../src/storage/contract.js';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { appendLogEntry } from '../src/storage/sqlite/access-log.js';
import { toStoredGrant as toDbGrant } from '../src/storage/rows.js';
import { openSqliteStorage, type SqliteStorage } from '../src/storage/sqlite/index.js';
import { accounts, grants, subjectKeys, subjects } from '../src/storage/sqlite/schema.js';
import { type SeedRows, type SeedTask } from './seed-mix.js';

const WORKERS = 2;

/**
 * A prepared INSERT for a drizzle table, taking a row keyed by the schema's property names
 * (as the repos' rows are), for the bulk parts of seeding.
 */
function preparedInsert(client: SqliteStorage['db']['$client'], table: SQLiteTable): (row: Record<string, unknown>) => void {
  const columns = Object.entries(getTableColumns(table));
  const statement = client.prepare(
    `INSERT INTO "${getTableConfig(table).name}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
  );
  return (row) => {
    statement.run(
      ...columns.map(([key]) => {
        const v = row[key];
        // Boolean columns (grants.share_name) are stored as 0/1, as drizzle's mode: 'boolean' does.
        if (typeof v === 'boolean') return v ? 1 : 0;
        return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : (v ?? null);
      }),
    );
  };
}

/** A worker running a TypeScript module: tsx's loader is registered in the worker first. */
function tsWorker(file: URL, data: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(code, { eval: true, workerData: data });
}

/**
 * Seeds a data folder for the benchmark through Tessera's own modules, not HTTP: records are
 * validated, scored and sealed by the records service (`prepareRecords`) with each person's own
 * data key, grants are built by the grants service (`newGrant`, with signed receipts) and stored
 * with their access-log entries by the grants repo. Only the bulk record insert uses one
 * prepared statement inside large transactions, which is what makes a million rows quick.
 */

export const PASSWORD = 'a long benchmark passphrase';
export const PRACTITIONER_HANDLE = 'bench-gp';
/** What the practitioner may read: everything but goals and notes. */
export const READ_CATEGORIES = ['mental-wellbeing', 'wellbeing', 'health-status', 'healthy-living', 'social-connections'];
/** What the practitioner may append. */
export const APPEND_CATEGORIES = ['health-status', 'healthy-living'];

export interface SeedInfo {
  dir: string;
  dbFile: string;
  keysFile: string;
  people: number;
  records: number;
  subjectIds: string[];
  practitioner: { handle: string; password: string; accountId: string; organisationId: string };
  seconds: number;
}

const insertRecordSql = `INSERT INTO records (id, subject_id, category, type, effective_at, created_at, source_kind,
  source_account_id, source_organisation_id, schema_version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Creates a data folder with `people` citizens and `records` records spread evenly over them, an
 * organisation with one practitioner holding an active read grant and an append grant on every
 * person, and a keys file beside it.
 */
export async function seed(dir: string, people: number, records: number, log: (line: string) => void = () => {}): Promise<SeedInfo> {
  const started = Date.now();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keysFile = path.join(dir, 'keys.json');
  writeKeysFile(keysFile, generateKeysFile());
  const config = loadConfig({ TESSERA_DATA_DIR: path.join(dir, 'data'), TESSERA_KEYS_FILE: keysFile, LOG_LEVEL: 'silent' });
  const keys = new Keyring(JSON.parse(fs.readFileSync(keysFile, 'utf8')));
  await initCrypto();
  const storage = openSqliteStorage(config.dbFile);
  const client = storage.db.$client;
  // Seeding only: a big page cache for the index builds. The server opens the file with its own pragmas.
  client.pragma('cache_size = -262144');
  // Fixture creation, not service writes: no fsync per chunk and one checkpoint at the end.
  // The server reopens the file with synchronous=FULL.
  client.pragma('synchronous = OFF');
  client.pragma('wal_autocheckpoint = 0');
  const deps = createDeps(config, storage, keys);
  const now = deps.clock.now();
  const seedBase = people * 7919 + records;

  // The schemas' kind and role unions are built from arrays, so their static types need a hand here.
  const gp = await createOrganisation(deps, { name: 'Riverside Surgery', kind: 'gp-practice' } as OrganisationInput);
  await createOrganisation(deps, { name: 'Link Up Social Prescribing', kind: 'social-prescribing' } as OrganisationInput);
  const operator: Actor = { accountId: 'bench-seed', kind: 'admin', sessionId: 'seed', subjectId: null, organisationId: null, scopes: null };
  const practitioner = await addPractitioner(deps, operator, gp.id, {
    handle: PRACTITIONER_HANDLE,
    password: PASSWORD,
    displayName: 'Dr Bench',
    role: 'gp',
  } as PractitionerInput);

  // One argon2id hash shared by every citizen: hashing 10,000 passwords would take minutes and measures nothing here.
  const passwordHash = await hashPassword(PASSWORD);
  const subjectIds: string[] = [];
  const accountIds: string[] = [];
  const deks: Uint8Array[] = [];
  const insertSubject = preparedInsert(client, subjects);
  const insertKey = preparedInsert(client, subjectKeys);
  const insertAccount = preparedInsert(client, accounts);
  client.transaction(() => {
    for (let i = 0; i < people; i++) {
      const subjectId = randomUUID();
      const accountId = randomUUID();
      const { dek, wrapped } = deps.dataKeys.create(subjectId);
      // The rows accounts.createCitizen writes (it is what sign-up calls), in one transaction.
      const account: AccountRow = signedAccount(deps.keyring, {
        id: accountId,
        kind: 'citizen',
        handle: `person-${i}`,
        passwordHash,
        displayName: null,
        sealedDisplayName: sealField(dek, subjectId, 'displayName', `Person ${i}`),
        subjectId,
        organisationId: null,
        role: null,
        jwks: null,
        disabledAt: null,
        createdAt: now,
      });
      insertSubject({ id: subjectId, createdAt: now });
      insertKey({ ...wrapped, updatedAt: now });
      insertAccount({ ...account });
      subjectIds.push(subjectId);
      accountIds.push(accountId);
      deks.push(dek);
    }
  })();
  log(`seed: ${people} people (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const expiresAt = now + 365 * 24 * 3600 * 1000;
  const terms = (access: 'read' | 'append', categories: string[]): Terms => ({
    access,
    categories,
    types: null,
    fromAt: null,
    toAt: null,
    purpose: 'direct-care',
    purposeText: null,
    expiresAt,
  });
  const grantee = { accountId: practitioner.accountId, organisationId: null, members: null };
  const insertGrant = preparedInsert(client, grants);
  const CHUNK = 500;
  for (let start = 0; start < people; start += CHUNK) {
    const made: { row: GrantRow; log: LogEntryInput }[] = [];
    for (let i = start; i < Math.min(people, start + CHUNK); i++) {
      const citizen: Actor = { accountId: accountIds[i]!, kind: 'citizen', sessionId: 'seed', subjectId: subjectIds[i]!, organisationId: null, scopes: null };
      for (const [access, cats] of [['read', READ_CATEGORIES], ['append', APPEND_CATEGORIES]] as const) {
        const row = await newGrant(deps, subjectIds[i]!, deks[i]!, grantee, terms(access, [...cats]), now, null, false);
        made.push({ row, log: logEntry(citizen, subjectIds[i]!, 'grant.create', now, { grantIds: [row.id], query: { grantee, access, categories: cats } }) });
      }
    }
    // What grants.create writes: the grant and its entry in the person's access log.
    client.transaction(() => {
      for (const m of made) {
        insertGrant({ ...toDbGrant(m.row) });
        appendLogEntry(storage.db, m.log);
      }
    })();
  }
  log(`seed: ${people * 2} grants (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const insert = client.prepare(insertRecordSql);
  const insertRows = client.transaction((rows: SeedRows) => {
    rows.columns.forEach((c, i) => {
      const p = rows.payloads[i]!;
      insert.run(...c, Buffer.from(p.buffer, p.byteOffset, p.byteLength));
    });
  });

  // Sealing is most of the work: worker threads prepare chunks of people while this thread inserts.
  const base = Math.floor(records / people);
  const extra = records % people;
  const tasks: SeedTask[] = [];
  const CHUNK_PEOPLE = Math.max(1, Math.ceil(10_000 / Math.max(1, base)));
  for (let start = 0, chunk = 0; start < people; start += CHUNK_PEOPLE, chunk++) {
    const members = [];
    for (let i = start; i < Math.min(people, start + CHUNK_PEOPLE); i++) {
      const n = base + (i < extra ? 1 : 0);
      if (n > 0) members.push({ subjectId: subjectIds[i]!, accountId: accountIds[i]!, n });
    }
    if (members.length) tasks.push({ chunk, seed: seedBase + chunk, people: members });
  }
  const workerCount = Math.max(1, Math.min(WORKERS, tasks.length));
  let done = 0;
  let nextReport = 100_000;
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    let finished = 0;
    const workers = Array.from({ length: workerCount }, () => tsWorker(new URL('./seed-worker.ts', import.meta.url), { dataDir: config.dataDir, keysFile }));
    const feed = (w: Worker) => {
      if (next < tasks.length) w.postMessage(tasks[next++]);
      else w.postMessage(null);
    };
    for (const w of workers) {
      w.on('error', reject);
      w.on('exit', () => {
        if (++finished === workers.length) resolve();
      });
      w.on('message', (rows: SeedRows) => {
        feed(w);
        insertRows(rows);
        done += rows.columns.length;
        if (done >= nextReport) {
          log(`seed: ${done} records (${((Date.now() - started) / 1000).toFixed(0)} s)`);
          nextReport += 100_000;
        }
      });
      // Two chunks in flight per worker keep it busy while the main thread inserts.
      feed(w);
      feed(w);
    }
  });
  if (done !== records) throw new Error(`seeded ${done} records, expected ${records}`);
  client.pragma('optimize');
  storage.close();

  const info: SeedInfo = {
    dir,
    dbFile: config.dbFile,
    keysFile,
    people,
    records,
    subjectIds,
    practitioner: { handle: PRACTITIONER_HANDLE, password: PASSWORD, accountId: practitioner.accountId, organisationId: gp.id },
    seconds: (Date.now() - started) / 1000,
  };
  log(`seed: ${records} records in ${info.seconds.toFixed(1)} s`);
  return info;
}
