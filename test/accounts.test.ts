import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, login, signUpCitizen, strongPassword, uniqueHandle } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const signUp = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/accounts', payload });

function fields(res: { json(): unknown }): string[] {
  return ((res.json() as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sign-up', () => {
  it('an address that keeps hitting taken handles (staff handles, say) waits: the sixth sign-up is a 429', async () => {
    const local = await buildTestApp();
    try {
      const taken = uniqueHandle('taken');
      const from = (payload: object, ip: string) => local.app.inject({ method: 'POST', url: '/v1/accounts', payload, remoteAddress: ip });
      expect((await from({ handle: taken, password: strongPassword, displayName: 'First' }, '192.0.2.10')).statusCode).toBe(201);
      for (let i = 0; i < 5; i++) expect((await from({ handle: taken, password: strongPassword, displayName: 'Probe' }, '192.0.2.20')).statusCode).toBe(409);
      const limited = await from({ handle: uniqueHandle('fresh'), password: strongPassword, displayName: 'Fresh' }, '192.0.2.20');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another address is not held up.
      expect((await from({ handle: uniqueHandle('other'), password: strongPassword, displayName: 'Other' }, '192.0.2.30')).statusCode).toBe(201);
    } finally {
      await local.close();
    }
  });

  it('creates a citizen with their own store and answers 201 with the account', async () => {
    const handle = uniqueHandle('Alex');
    const res = await signUp({ handle, password: strongPassword, displayName: '  Alex Example ' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.accountId).toMatch(uuid);
    expect(body.subjectId).toMatch(uuid);
    expect(body.accountId).not.toBe(body.subjectId);
    expect(body.handle).toBe(handle.toLowerCase());
    expect(body.displayName).toBe('Alex Example');
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);
    expect(body).not.toHaveProperty('password');
    expect(body).not.toHaveProperty('passwordHash');
  });

  it('lets the citizen log in with the handle in any case', async () => {
    const handle = uniqueHandle('Mixed');
    expect((await signUp({ handle, password: strongPassword, displayName: 'M' })).statusCode).toBe(201);
    const tokens = await login(t.app, handle.toUpperCase(), strongPassword);
    expect(tokens.token).toBeTruthy();
  });

  it.each([
    ['too short', 'ab'],
    ['a space', 'has space'],
    ['a slash', 'bad/handle'],
    ['a leading dot', '.dotty'],
    ['non-ASCII letters', 'zoë-müller'],
    ['more than 64 characters', 'a'.repeat(65)],
  ])('a handle with %s is a 400 naming handle', async (_why, handle) => {
    const res = await signUp({ handle, password: strongPassword, displayName: 'X' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(fields(res)).toContain('handle');
    expect(fields(res)).not.toContain('password');
  });

  it.each([
    ['shorter than 12 characters', () => 'short pass1', () => uniqueHandle()],
    ['a common password', () => 'password1234', () => uniqueHandle()],
    ['a common password in another case', () => 'Qwerty123456', () => uniqueHandle()],
    ['one containing the handle', () => 'my handle is walrus-42 ok', () => 'walrus-42'],
    ['one containing the handle in another case', () => 'I am WALRUS-43 really', () => 'walrus-43'],
  ])('a password that is %s is a 400 naming password', async (_why, password, handle) => {
    const res = await signUp({ handle: handle(), password: password(), displayName: 'X' });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['password']);
  });

  it('names every bad field at once', async () => {
    const res = await signUp({ handle: 'x', password: 'short', displayName: '   ' });
    expect(res.statusCode).toBe(400);
    expect(fields(res).sort()).toEqual(['displayName', 'handle', 'password']);
  });

  it('a handle already taken, in any case, is a 409 problem', async () => {
    const handle = uniqueHandle('taken');
    expect((await signUp({ handle, password: strongPassword, displayName: 'First' })).statusCode).toBe(201);
    const res = await signUp({ handle: handle.toUpperCase(), password: strongPassword, displayName: 'Second' });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 409, code: 'TESSERA_CONFLICT' });
    // The first owner keeps the handle and the second sign-up left nothing behind.
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer((await login(t.app, handle, strongPassword)).token) });
    expect(me.json().displayName).toBe('First');
  });

  it('an unknown body field is a 400 naming it', async () => {
    const res = await signUp({ handle: uniqueHandle(), password: strongPassword, displayName: 'X', kind: 'admin' });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['kind']);
  });

  it('a missing field is a 400 naming it', async () => {
    const res = await signUp({ handle: uniqueHandle(), password: strongPassword });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toEqual(['displayName']);
  });
});

describe('GET /v1/me', () => {
  it("gives a citizen their account with the display name opened from their store", async () => {
    const alice = await signUpCitizen(t.app, uniqueHandle('alice'), 'Alice Liddell');
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(alice.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      accountId: alice.accountId,
      kind: 'citizen',
      handle: alice.handle,
      displayName: 'Alice Liddell',
      subjectId: alice.subjectId,
      organisationId: null,
      role: null,
      createdAt: expect.any(String),
    });
  });

  it('is a 401 without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TESSERA_UNAUTHENTICATED');
  });
});

describe('display names at rest', () => {
  it('the display name is stored sealed, never in clear in the database file', async () => {
    const name = `Canary Name ${uniqueHandle('dn')}`;
    const c = await signUpCitizen(t.app, uniqueHandle(), name);
    const row = t.sqlite().db.$client.prepare('SELECT display_name, sealed_display_name FROM accounts WHERE id = ?').get(c.accountId) as {
      display_name: string | null;
      sealed_display_name: Buffer | null;
    };
    expect(row.display_name).toBeNull();
    expect(row.sealed_display_name).toBeInstanceOf(Buffer);
    t.sqlite().db.$client.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of ['tessera.db', 'tessera.db-wal']) {
      const p = path.join(t.dir, file);
      if (!fs.existsSync(p)) continue;
      const bytes = fs.readFileSync(p);
      expect(bytes.includes(Buffer.from(name, 'utf8'))).toBe(false);
      expect(bytes.includes(Buffer.from(name, 'utf16le'))).toBe(false);
    }
  });
});
