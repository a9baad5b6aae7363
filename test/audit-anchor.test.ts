import fs from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { chainHash } from '../src/crypto/hash-chain.js';
import { generateKeysFile, writeKeysFile } from '../src/crypto/keyring.js';
import { openSqliteStorage } from '../src/storage/sqlite/index.js';
import { strongPassword, uniqueHandle } from './helpers/actors.js';
import { childEnv, runCli, serve, tempDir, type Served } from './helpers/process.js';

/**
 * The access-log chain is anchored by signed checkpoints (docs/security.md, "Audit chain"):
 * removing its last entries, or re-hashing it from any entry forward, still passes the links
 * but no longer reaches the checkpoints, and `tessera audit verify` says so.
 */

let dir: string;
let env: Record<string, string>;
let server: Served;
let dbFile: string;
let subjectId: string;
let keptFile: string;
let checkpointSeq: number;

async function call(method: string, url: string, token?: string, body?: unknown) {
  const res = await fetch(`${server.base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

const login = async (handle: string) =>
  (await call('POST', '/v1/token', undefined, { grant_type: 'password', username: handle, password: strongPassword })).json.access_token as string;

function db() {
  return openSqliteStorage(dbFile);
}

beforeAll(async () => {
  dir = tempDir('tessera-anchor-');
  const keys = path.join(dir, 'keys.json');
  writeKeysFile(keys, generateKeysFile());
  env = { TESSERA_DATA_DIR: path.join(dir, 'data'), TESSERA_KEYS_FILE: keys };
  dbFile = loadConfig(childEnv(env)).dbFile;
  server = await serve({ ...env, TESSERA_CHECKPOINT_INTERVAL: '1' });
  const adminHandle = uniqueHandle('admin');
  expect((await runCli(['admin', 'create', '--handle', adminHandle, '--password-stdin'], env, `${strongPassword}\n`)).code).toBe(0);
  const admin = await login(adminHandle);
  const org = (await call('POST', '/v1/organisations', admin, { name: 'Riverside', kind: 'social-prescribing' })).json.id as string;
  const gpHandle = uniqueHandle('lw');
  const gp = (await call('POST', `/v1/organisations/${org}/practitioners`, admin, { handle: gpHandle, password: strongPassword, displayName: 'Sam', role: 'link-worker' })).json;
  const handle = uniqueHandle('anchor');
  subjectId = (await call('POST', '/v1/accounts', undefined, { handle, password: strongPassword, displayName: 'Ana' })).json.subjectId;
  const me = await login(handle);
  for (let i = 0; i < 3; i++) await call('POST', '/v1/me/records', me, { type: 'note', effectiveAt: `2026-03-0${i + 1}T10:00:00Z`, text: `note ${i}` });
  const g = await call('POST', '/v1/me/grants', me, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['notes'], purpose: 'social-prescribing' });
  expect(g.status).toBe(201);
  // Receipts carry the chain's head when they were signed (null while the chain is empty).
  expect('logHead' in decodeJwt(g.json.receipt)).toBe(true);
  const sam = await login(gpHandle);
  for (let i = 0; i < 3; i++) expect((await call('GET', `/v1/subjects/${subjectId}/records`, sam)).status).toBe(200);
  const cp = await call('GET', '/v1/me/access-log/checkpoint', me);
  expect(cp.status).toBe(200);
  checkpointSeq = cp.json.seq;
  keptFile = path.join(dir, 'kept.jws');
  fs.writeFileSync(keptFile, `${cp.json.checkpoint}\n`);
  // The person's copy verifies with any JOSE library against the published keys.
  const jwks = createLocalJWKSet((await call('GET', '/.well-known/jwks.json')).json);
  const { payload } = await jwtVerify(cp.json.checkpoint, jwks, { issuer: server.base });
  expect(payload).toMatchObject({ subjectId, seq: checkpointSeq, hash: cp.json.hash });
  // More activity after the checkpoint, then the periodic signer anchors it within its interval.
  await call('POST', '/v1/me/records', me, { type: 'note', effectiveAt: '2026-03-09T10:00:00Z', text: 'later' });
  await call('GET', `/v1/subjects/${subjectId}/records`, sam);
  const revoked = await call('DELETE', `/v1/me/grants/${g.json.id}`, me);
  expect(decodeJwt(revoked.json.revocationReceipt).logHead).toMatchObject({ seq: expect.any(Number) });
  const until = Date.now() + 10_000;
  for (;;) {
    const s = db();
    const rows = s.db.$client.prepare('SELECT MAX(seq) AS top FROM log_checkpoints WHERE subject_id = ? AND through IS NOT NULL').get(subjectId) as { top: number | null };
    const head = s.db.$client.prepare('SELECT MAX(seq) AS head FROM access_log WHERE subject_id = ?').get(subjectId) as { head: number };
    s.close();
    if (rows.top === head.head) break;
    if (Date.now() > until) throw new Error('the periodic signer did not anchor the head');
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  await server.exited(10_000);
  // Fold the killed server's WAL into the database file, so copies of that file are whole.
  db().close();
}, 60_000);
afterAll(() => {
  server?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs `tamper` on a copy of the database, then `audit verify` on it, then puts the original back. */
async function verifyAfter(tamper: (sql: ReturnType<typeof db>['db']['$client']) => void, args: string[] = []) {
  const backup = `${dbFile}.orig`;
  fs.copyFileSync(dbFile, backup);
  const s = db();
  try {
    tamper(s.db.$client);
  } finally {
    s.close();
  }
  try {
    return await runCli(['audit', 'verify', ...args], env);
  } finally {
    for (const side of ['-wal', '-shm']) fs.rmSync(`${dbFile}${side}`, { force: true });
    fs.copyFileSync(backup, dbFile);
    fs.rmSync(backup);
  }
}

describe('anchored audit chain', () => {
  it('an untouched chain reaches every checkpoint and receipt head', async () => {
    const ok = await runCli(['audit', 'verify', '--checkpoints', keptFile], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: \d+ entries in \d+ chain\(s\), [1-9]\d* signed anchor\(s\) reached/);
  });

  it('removing the last entries is caught: the chain no longer reaches the latest checkpoint', async () => {
    const bad = await verifyAfter((sql) => {
      sql.prepare('DELETE FROM access_log WHERE subject_id = ? AND seq > (SELECT MAX(seq) - 2 FROM access_log WHERE subject_id = ?)').run(subjectId, subjectId);
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`subject ${subjectId}.*the chain ends at position`));
  });

  it('re-hashing the chain from an entry forward passes every link but not the checkpoints', async () => {
    const bad = await verifyAfter((sql) => {
      const rows = sql.prepare('SELECT * FROM access_log WHERE subject_id = ? ORDER BY seq').all(subjectId) as Record<string, string | number | null>[];
      let prev: string | null = null;
      for (const r of rows) {
        const entry = {
          id: r.id as string,
          subjectId,
          seq: r.seq as number,
          at: r.at as number,
          actor: { accountId: r.actor_account_id as string | null, organisationId: r.actor_organisation_id as string | null, kind: r.actor_kind as string },
          action: r.action as string,
          // The forger hides which records were read from the second entry on.
          grantIds: JSON.parse(r.grant_ids as string),
          recordIds: (r.seq as number) >= 2 ? [] : JSON.parse(r.record_ids as string),
          query: JSON.parse(r.query as string),
          prevHash: prev,
        };
        const hash = chainHash(entry);
        sql.prepare('UPDATE access_log SET record_ids = ?, prev_hash = ?, hash = ? WHERE id = ?').run(JSON.stringify(entry.recordIds), prev, hash, r.id);
        prev = hash;
      }
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/differs from what (checkpoint|receipt|revocation receipt)/);
  });

  it('with the stored checkpoints and receipts deleted too, the checkpoint the person kept still catches a truncation', async () => {
    const tamper = (sql: ReturnType<typeof db>['db']['$client']) => {
      sql.prepare('DELETE FROM log_checkpoints').run();
      sql.prepare('DELETE FROM grants').run();
      sql.prepare('DELETE FROM access_log WHERE subject_id = ? AND seq >= ?').run(subjectId, checkpointSeq);
    };
    const withoutKept = await verifyAfter(tamper);
    expect(withoutKept.code, 'without outside anchors the truncation is invisible').toBe(0);
    const withKept = await verifyAfter(tamper, ['--checkpoints', keptFile]);
    expect(withKept.code).toBe(1);
    expect(withKept.stderr).toMatch(/kept checkpoint #1/);
  });

  it('a checkpoint whose signature does not verify is reported', async () => {
    const bad = await verifyAfter((sql) => {
      // The latest checkpoint: its seq is past 1, so claiming seq 1 really changes it (the first one
      // may already be at seq 1 when the signer ran early, and re-signing the same claims is no forgery).
      const row = sql.prepare('SELECT id, jws FROM log_checkpoints WHERE subject_id = ? ORDER BY seq DESC LIMIT 1').get(subjectId) as { id: string; jws: string };
      const [h, , s] = row.jws.split('.');
      const forged = Buffer.from(JSON.stringify({ ...decodeJwt(row.jws), seq: 1 })).toString('base64url');
      sql.prepare('UPDATE log_checkpoints SET jws = ? WHERE id = ?').run(`${h}.${forged}.${s}`, row.id);
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/signature does not verify/);
  });
});
