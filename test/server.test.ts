import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strongPassword, uniqueHandle } from './helpers/actors.js';
import { serve, tempDir, type Served } from './helpers/process.js';

/**
 * The real server as `npm start` runs it (`node dist/cli.js serve`): dev keys, HTTP on a port,
 * graceful SIGTERM, and data that survives a restart.
 */

let dir: string;
const started: Served[] = [];

beforeAll(() => {
  dir = tempDir('tessera-server-');
});
afterAll(() => {
  for (const s of started) s.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<Served> {
  const s = await serve({ TESSERA_DATA_DIR: dir });
  started.push(s);
  return s;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

async function loginOver(base: string, handle: string): Promise<string> {
  const res = await fetch(`${base}/v1/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: handle, password: strongPassword }),
  });
  expect(res.status).toBe(200);
  return (await json(res)).access_token as string;
}

describe('serving for real', () => {
  const handle = uniqueHandle('real');
  let recordId: string;

  it('starts with generated dev keys, a loud warning and a keys file only the owner can read', async () => {
    const s = await start();
    expect(s.stderr()).toMatch(/DEVELOPMENT KEYS GENERATED/);
    const keys = path.join(dir, 'keys.json');
    expect(fs.existsSync(keys)).toBe(true);
    expect(fs.statSync(keys).mode & 0o777).toBe(0o600);
    const health = await fetch(`${s.base}/healthz`);
    expect(health.status).toBe(200);
  });

  it('signs up and stores a record over HTTP', async () => {
    const s = started[0]!;
    const signUp = await fetch(`${s.base}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle, password: strongPassword, displayName: 'Real Person' }),
    });
    expect(signUp.status).toBe(201);
    const token = await loginOver(s.base, handle);
    const rec = await fetch(`${s.base}/v1/me/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'goal', effectiveAt: '2026-03-01T10:05:00Z', text: 'Walk to the allotment', progress: 3 }),
    });
    expect(rec.status).toBe(201);
    recordId = (await json(rec)).id as string;
  });

  it('on SIGTERM finishes the requests in flight, then exits 0 within 10 s', async () => {
    const s = started[0]!;
    const before = (s.stdout().match(/incoming request/g) ?? []).length;
    // Sign-ups hash a password (argon2id), so they are still running when the signal lands.
    const inFlight = Array.from({ length: 6 }, (_, i) =>
      fetch(`${s.base}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle: uniqueHandle(`drain${i}`), password: strongPassword, displayName: `Drain ${i}` }),
      }),
    );
    await s.waitForLog(/incoming request/, before + inFlight.length);
    s.child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    expect(answers.map((r) => r.status)).toEqual(Array(inFlight.length).fill(201));
    const exit = await s.exited(10_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(s.stdout()).toMatch(/shutting down/);
  });

  it('after a restart on the same data folder, the record and the accounts are still there', async () => {
    const s = await start();
    expect(s.stderr()).toMatch(/DEVELOPMENT KEYS IN USE/);
    const token = await loginOver(s.base, handle);
    const res = await fetch(`${s.base}/v1/me/records/${recordId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: recordId, type: 'goal', text: 'Walk to the allotment', progress: 3 });
    const me = await fetch(`${s.base}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await json(me)).displayName).toBe('Real Person');
    // The clean shutdown folded the WAL into the database file.
    s.child.kill('SIGTERM');
    expect((await s.exited(10_000)).code).toBe(0);
    const wal = path.join(dir, 'tessera.db-wal');
    expect(!fs.existsSync(wal) || fs.statSync(wal).size === 0).toBe(true);
  });
});

describe('WAL checkpoints while serving', () => {
  it('fold committed writes into the database file in the background, without a shutdown or 1,000 pages of WAL', async () => {
    const own = tempDir('tessera-checkpoint-');
    const s = await serve({ TESSERA_DATA_DIR: own });
    try {
      const handle = uniqueHandle('wal');
      const signUp = await fetch(`${s.base}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ handle, password: strongPassword, displayName: 'Wal Person' }),
      });
      expect(signUp.status).toBe(201);
      const token = await loginOver(s.base, handle);
      const rec = await fetch(`${s.base}/v1/me/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ type: 'goal', effectiveAt: '2026-03-01T10:05:00Z', text: 'Walk to the allotment', progress: 3 }),
      });
      expect(rec.status).toBe(201);
      const id = (await json(rec)).id as string;
      // The main file alone (copied without its WAL) holds only what a checkpoint has moved there.
      const copy = path.join(own, 'main-only.db');
      const inMainFile = () => {
        fs.copyFileSync(path.join(own, 'tessera.db'), copy);
        const db = new Database(copy, { readonly: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM records WHERE id = ?').get(id) as { n: number }).n;
        } catch {
          return 0; // copied mid-checkpoint: try again
        } finally {
          db.close();
        }
      };
      const deadline = Date.now() + 10_000;
      let found = inMainFile();
      while (!found && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        found = inMainFile();
      }
      expect(found).toBe(1);
      // The server still answers from the same store.
      const again = await fetch(`${s.base}/v1/me/records/${id}`, { headers: { authorization: `Bearer ${token}` } });
      expect(again.status).toBe(200);
    } finally {
      s.child.kill('SIGTERM');
      expect((await s.exited(10_000)).code).toBe(0);
      fs.rmSync(own, { recursive: true, force: true });
    }
  });
});
