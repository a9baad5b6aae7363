import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createDeps } from '../src/compose.js';
import { initCrypto } from '../src/crypto/aead.js';
import { unwrapDataKey } from '../src/crypto/envelope.js';
import { generateKeysFile, Keyring, parseKeysFile, writeKeysFile } from '../src/crypto/keyring.js';
import { openSqliteStorage } from '../src/storage/sqlite/index.js';
import { strongPassword, uniqueHandle } from './helpers/actors.js';
import { cliPath, childEnv, repoRoot, runCli, serve, tempDir, type Served } from './helpers/process.js';
import { spawn } from 'node:child_process';

/**
 * The operator's lifecycle commands against real processes: backup while writing, restore,
 * key rotation under load and after a kill, audit verification.
 */

const dirs: string[] = [];
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) s.kill();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function workspace(): { dir: string; keys: string; env: Record<string, string> } {
  const dir = tempDir('tessera-life-');
  dirs.push(dir);
  const keys = path.join(dir, 'keys.json');
  writeKeysFile(keys, generateKeysFile());
  return { dir, keys, env: { TESSERA_DATA_DIR: path.join(dir, 'data'), TESSERA_KEYS_FILE: keys } };
}

async function start(env: Record<string, string>): Promise<Served> {
  const s = await serve({ ...env, TESSERA_RATE_LIMIT_SIGNUP: '100000', TESSERA_RATE_LIMIT_TOKEN: '100000' });
  servers.push(s);
  return s;
}

async function call(base: string, method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> & { items?: Record<string, unknown>[] } }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : {} };
}

async function citizen(base: string): Promise<{ token: string; handle: string }> {
  const handle = uniqueHandle('life');
  expect((await call(base, 'POST', '/v1/accounts', undefined, { handle, password: strongPassword, displayName: 'Life' })).status).toBe(201);
  const t = await call(base, 'POST', '/v1/token', undefined, { grant_type: 'password', username: handle, password: strongPassword });
  return { token: t.json.access_token as string, handle };
}

const note = (i: number) => ({ type: 'note', effectiveAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), text: `entry ${i}` });

beforeAll(async () => {
  await initCrypto();
});

describe('backup and restore', () => {
  it('a backup taken during writes restores to a consistent, readable state', async () => {
    const w = workspace();
    const s = await start(w.env);
    const me = await citizen(s.base);
    let written = 0;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing && i < 2000; i++) {
        if ((await call(s.base, 'POST', '/v1/me/records', me.token, note(i))).status === 201) written++;
      }
    })();
    while (written < 30) await new Promise((r) => setTimeout(r, 20));
    const file = path.join(w.dir, 'backup.db');
    const b = await runCli(['backup', file], w.env);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/backup written/);
    writing = false;
    await writer;

    const restoredEnv = { ...w.env, TESSERA_DATA_DIR: path.join(w.dir, 'restored') };
    const r = await runCli(['restore', file], restoredEnv);
    expect(r.code, r.stderr).toBe(0);
    const again = await runCli(['restore', file], restoredEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--force/);

    const s2 = await start(restoredEnv);
    const t = await call(s2.base, 'POST', '/v1/token', undefined, { grant_type: 'password', username: me.handle, password: strongPassword });
    const items: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(s2.base, 'GET', `/v1/me/records?limit=500${cursor ? `&cursor=${cursor}` : ''}`, t.json.access_token as string);
      expect(page.status).toBe(200);
      items.push(...(page.json.items ?? []));
      cursor = page.json.nextCursor as string | null;
    } while (cursor);
    expect(items.length).toBeGreaterThanOrEqual(30);
    expect(items.length).toBeLessThanOrEqual(written);
    // Every restored record opens and holds what was written for it.
    for (const rec of items) expect(rec.text).toBe(`entry ${(Date.parse(rec.effectiveAt as string) - Date.UTC(2026, 0, 1)) / 60_000}`);
    const audit = await runCli(['audit', 'verify'], restoredEnv);
    expect(audit.code, audit.stderr).toBe(0);
  });

  it('restore refuses a backup whose KEK the keys file lacks, and a file that is not a database', async () => {
    const w = workspace();
    const s = await start(w.env);
    await citizen(s.base);
    const file = path.join(w.dir, 'b.db');
    expect((await runCli(['backup', file], w.env)).code).toBe(0);
    const otherKeys = path.join(w.dir, 'other-keys.json');
    writeKeysFile(otherKeys, generateKeysFile());
    const wrongKeys = await runCli(['restore', file], { TESSERA_DATA_DIR: path.join(w.dir, 'x'), TESSERA_KEYS_FILE: otherKeys });
    expect(wrongKeys.code).toBe(2);
    expect(wrongKeys.stderr).toMatch(/lacks KEK/);
    const junk = path.join(w.dir, 'junk.db');
    fs.writeFileSync(junk, 'not a database at all');
    const bad = await runCli(['restore', junk], { ...w.env, TESSERA_DATA_DIR: path.join(w.dir, 'y') });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('key rotation', () => {
  it('rotates under concurrent reads and writes, losing nothing; old receipts still verify', async () => {
    const w = workspace();
    const s = await start(w.env);
    const me = await citizen(s.base);
    const admin = { handle: uniqueHandle('op') };
    expect((await runCli(['admin', 'create', '--handle', admin.handle, '--password-stdin'], w.env, `${strongPassword}\n`)).code).toBe(0);
    const adminToken = (await call(s.base, 'POST', '/v1/token', undefined, { grant_type: 'password', username: admin.handle, password: strongPassword })).json.access_token as string;
    const org = await call(s.base, 'POST', '/v1/organisations', adminToken, { name: 'Practice', kind: 'gp-practice' });
    const gp = await call(s.base, 'POST', `/v1/organisations/${org.json.id}/practitioners`, adminToken, { handle: uniqueHandle('gp'), password: strongPassword, displayName: 'Dr G', role: 'gp' });
    const receipt = (await call(s.base, 'POST', '/v1/me/grants', me.token, { grantee: { accountId: gp.json.accountId }, access: 'read', categories: ['notes'], purpose: 'direct-care' })).json.receipt as string;
    for (let i = 0; i < 20; i++) await call(s.base, 'POST', '/v1/me/records', me.token, note(i));
    const before = parseKeysFile(fs.readFileSync(w.keys, 'utf8'), w.keys);

    let failures = 0;
    let ops = 0;
    let running = true;
    const load = (async () => {
      for (let i = 100; running && i < 5000; i++) {
        const a = await call(s.base, 'POST', '/v1/me/records', me.token, note(i));
        const b = await call(s.base, 'GET', '/v1/me/records?limit=50', me.token);
        ops += 2;
        if (a.status !== 201 || b.status !== 200) failures++;
      }
    })();
    const rotated = await runCli(['keys', 'rotate'], w.env, undefined, 30_000);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/rotation complete/);
    await new Promise((r) => setTimeout(r, 2500));
    running = false;
    await load;
    expect(ops).toBeGreaterThan(10);
    expect(failures).toBe(0);

    const after = parseKeysFile(fs.readFileSync(w.keys, 'utf8'), w.keys);
    expect(after.currentKek).not.toBe(before.currentKek);
    expect(after.currentSigningKey).not.toBe(before.currentSigningKey);
    const storage = openSqliteStorage(loadConfig(childEnv(w.env)).dbFile);
    try {
      expect(storage.db.$client.prepare('SELECT DISTINCT kek_id AS id FROM subject_keys').all()).toEqual([{ id: after.currentKek }]);
    } finally {
      storage.close();
    }
    const jwks = createLocalJWKSet((await call(s.base, 'GET', '/.well-known/jwks.json')).json as never);
    await expect(jwtVerify(receipt, jwks)).resolves.toBeTruthy();
    const fresh = await call(s.base, 'POST', '/v1/token', undefined, { grant_type: 'password', username: me.handle, password: strongPassword });
    expect(decodeProtectedHeader(fresh.json.access_token as string).kid).toBe(after.currentSigningKey);
    // The old token, signed with the retired key, still works until it expires.
    expect((await call(s.base, 'GET', '/v1/me/records?limit=1', me.token)).status).toBe(200);
  });

  it('a rotation killed mid-way loses nothing and the next run finishes it', async () => {
    const w = workspace();
    const config = loadConfig(childEnv(w.env));
    const keyring = new Keyring(parseKeysFile(fs.readFileSync(w.keys, 'utf8'), w.keys), w.keys);
    const storage = openSqliteStorage(config.dbFile);
    const deps = createDeps(config, storage, keyring);
    const subjects: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const subjectId = randomUUID();
      const { wrapped } = deps.dataKeys.create(subjectId);
      await storage.accounts.createCitizen(
        { id: randomUUID(), kind: 'citizen', handle: `seed-${i}-${subjectId.slice(0, 8)}`, passwordHash: null, displayName: null, sealedDisplayName: null, subjectId, organisationId: null, role: null, jwks: null, disabledAt: null, createdAt: Date.now(), integrity: null },
        wrapped,
      );
      subjects.push(subjectId);
    }
    const deksBefore = new Map<string, Buffer>();
    for (const id of subjects) {
      const row = (await storage.keys.getWrapped(id))!;
      deksBefore.set(id, Buffer.from(unwrapDataKey(keyring.kek(row.kekId), row.kekId, id, row.wrappedKey)));
    }
    storage.close();

    const child = spawn(process.execPath, [cliPath, 'keys', 'rotate'], { env: childEnv(w.env), cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('rotation printed no progress')), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        if (/data keys re-wrapped/.test(d.toString())) {
          process.kill(child.pid!, 'SIGKILL');
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('close', r));

    const resumed = await runCli(['keys', 'rotate'], w.env, undefined, 30_000);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/resuming/);
    const keys = parseKeysFile(fs.readFileSync(w.keys, 'utf8'), w.keys);
    const reopened = new Keyring(keys, w.keys);
    const storage2 = openSqliteStorage(config.dbFile);
    try {
      for (const id of subjects) {
        const row = (await storage2.keys.getWrapped(id))!;
        expect(row.kekId).toBe(keys.currentKek);
        expect(Buffer.from(unwrapDataKey(reopened.kek(row.kekId), row.kekId, id, row.wrappedKey)).equals(deksBefore.get(id)!)).toBe(true);
      }
    } finally {
      storage2.close();
    }
  });

  it('a read-only keys file is a clear error, not a crash', async () => {
    const w = workspace();
    fs.chmodSync(w.keys, 0o400);
    const res = await runCli(['keys', 'rotate'], w.env);
    // Root may write anyway; then the rotation simply succeeds.
    if (process.getuid?.() === 0) {
      expect([0, 2]).toContain(res.code);
    } else {
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/read-only/);
    }
    expect(res.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('audit verify', () => {
  it('exits 0 with a count, and 1 naming the first edited entry', async () => {
    const w = workspace();
    const s = await start(w.env);
    const me = await citizen(s.base);
    await call(s.base, 'POST', '/v1/me/records', me.token, note(1));
    const rec = await call(s.base, 'POST', '/v1/me/records', me.token, note(2));
    await call(s.base, 'DELETE', `/v1/me/records/${rec.json.id}`, me.token);
    await call(s.base, 'POST', '/v1/me/records', me.token, note(3));
    const r2 = await call(s.base, 'POST', '/v1/me/records', me.token, note(4));
    await call(s.base, 'DELETE', `/v1/me/records/${r2.json.id}`, me.token);
    const ok = await runCli(['audit', 'verify'], w.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: 2 entries in 1 chain/);

    const storage = openSqliteStorage(loadConfig(childEnv(w.env)).dbFile);
    const target = storage.db.$client.prepare('SELECT id FROM access_log ORDER BY seq DESC LIMIT 1').get() as { id: string };
    storage.db.$client.prepare("UPDATE access_log SET record_ids = '[]' WHERE id = ?").run(target.id);
    storage.close();
    const bad = await runCli(['audit', 'verify'], w.env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(target.id);

    // The server's cheap start-up check of recent entries warns too.
    s.kill();
    const restarted = await start(w.env);
    await restarted.waitForLog(/ACCESS LOG TAMPERED/);
    expect(restarted.stdout()).toContain(target.id);
  });
});
