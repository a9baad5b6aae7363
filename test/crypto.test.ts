import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword, uniqueHandle, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

/**
 * The crypto design, checked from outside: rows edited or moved behind the service's back
 * fail their AEAD check (500 TESSERA_INTEGRITY, never someone else's content), and no
 * personal content reaches the database file, its WAL or the logs in clear.
 */

let t: TestApp;
let alice: Citizen;
let bob: Citizen;
const logLines: string[] = [];

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  t = await buildTestApp({ logStream: stream });
  alice = await signUpCitizen(t.app);
  bob = await signUpCitizen(t.app);
});
afterAll(() => t.close());

const sql = () => t.sqlite().db.$client;
const post = (who: Citizen, payload: object) => t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(who.token), payload });
const read = (who: Citizen, id: string) => t.app.inject({ method: 'GET', url: `/v1/me/records/${id}`, headers: bearer(who.token) });

async function note(who: Citizen, text: string, effectiveAt = '2026-02-01T10:00:00Z'): Promise<string> {
  const res = await post(who, { type: 'note', effectiveAt, text });
  expect(res.statusCode).toBe(201);
  return res.json().id;
}

function expectIntegrityProblem(res: Awaited<ReturnType<typeof read>>, forbidden: string[]): void {
  expect(res.statusCode).toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status: 500, code: 'TESSERA_INTEGRITY' });
  for (const text of forbidden) expect(res.body).not.toContain(text);
}

describe('rows edited behind the service’s back', () => {
  it('a payload copied onto another row of the same person fails its check, never showing the other record', async () => {
    const source = await note(alice, 'copied secret one');
    const target = await note(alice, 'innocent target');
    sql().prepare('UPDATE records SET payload = (SELECT payload FROM records WHERE id = ?) WHERE id = ?').run(source, target);
    expectIntegrityProblem(await read(alice, target), ['copied secret one', 'innocent target']);
    // The list is refused whole rather than serving a row that failed.
    const list = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(alice.token) });
    expectIntegrityProblem(list, ['copied secret one']);
    sql().prepare('DELETE FROM records WHERE id = ?').run(target);
    expect((await read(alice, source)).json().text).toBe('copied secret one');
  });

  it('a row moved to another person is gone for the owner and fails for the other person', async () => {
    const id = await note(alice, 'moved secret');
    sql().prepare('UPDATE records SET subject_id = ? WHERE id = ?').run(bob.subjectId, id);
    expect((await read(alice, id)).statusCode).toBe(404);
    const res = await read(bob, id);
    expect([404, 500]).toContain(res.statusCode);
    expect(res.body).not.toContain('moved secret');
    if (res.statusCode === 500) expect(res.json().code).toBe('TESSERA_INTEGRITY');
    sql().prepare('DELETE FROM records WHERE id = ?').run(id);
  });

  it('a payload copied to another person’s row fails its check', async () => {
    const mine = await note(alice, 'alice only');
    const theirs = await note(bob, 'bob only');
    sql().prepare('UPDATE records SET payload = (SELECT payload FROM records WHERE id = ?) WHERE id = ?').run(mine, theirs);
    expectIntegrityProblem(await read(bob, theirs), ['alice only']);
    sql().prepare('DELETE FROM records WHERE id = ?').run(theirs);
  });

  it.each([
    ['category', "UPDATE records SET category = 'home' WHERE id = ?"],
    ['type', "UPDATE records SET type = 'goal' WHERE id = ?"],
    ['effective_at', 'UPDATE records SET effective_at = effective_at + 1 WHERE id = ?'],
    ['id', "UPDATE records SET id = '00000000-0000-4000-8000-00000000000a' WHERE id = ?"],
  ])('editing %s in the database makes the record fail its check', async (column, statement) => {
    const id = await note(alice, `edited ${column}`);
    sql().prepare(statement).run(id);
    const readId = column === 'id' ? '00000000-0000-4000-8000-00000000000a' : id;
    expectIntegrityProblem(await read(alice, readId), [`edited ${column}`]);
    sql().prepare('DELETE FROM records WHERE id = ?').run(readId);
  });

  it('a wrapped data key moved to another person cannot be used: no read or write opens with it', async () => {
    const c = await signUpCitizen(t.app);
    const d = await signUpCitizen(t.app, uniqueHandle(), 'Dee Private');
    // Swapped before Dee's key is first opened (opened keys are cached for a short while).
    sql()
      .prepare('UPDATE subject_keys SET wrapped_key = (SELECT wrapped_key FROM subject_keys WHERE subject_id = ?) WHERE subject_id = ?')
      .run(c.subjectId, d.subjectId);
    const write = await post(d, { type: 'note', effectiveAt: '2026-02-01T10:00:00Z', text: 'dee private' });
    expectIntegrityProblem(write, ['dee private']);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(d.token) });
    expectIntegrityProblem(me, ['Dee Private']);
    const stored = sql().prepare('SELECT count(*) AS n FROM records WHERE subject_id = ?').get(d.subjectId) as { n: number };
    expect(stored.n).toBe(0);
  });

  it('a sealed display name copied to another account fails its check instead of showing the other name', async () => {
    const e = await signUpCitizen(t.app, uniqueHandle(), 'Eve Original');
    const f = await signUpCitizen(t.app, uniqueHandle(), 'Frank Original');
    sql().prepare('UPDATE accounts SET sealed_display_name = (SELECT sealed_display_name FROM accounts WHERE id = ?) WHERE id = ?').run(e.accountId, f.accountId);
    const res = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(f.token) });
    expectIntegrityProblem(res, ['Eve Original', 'Frank Original']);
  });

  it('logs the integrity failure without any record content', () => {
    const failures = logLines.filter((l) => l.includes('TESSERA_INTEGRITY') || l.includes('IntegrityError'));
    expect(failures.length).toBeGreaterThan(0);
    for (const l of failures) expect(l).not.toMatch(/copied secret one|alice only|dee private/);
  });
});

describe('no plaintext on disk or in logs', () => {
  const canary = `Canary-${uniqueHandle('zz')}-Qx7`;
  let carol: Citizen;
  let goalId: string;

  beforeAll(async () => {
    carol = await signUpCitizen(t.app, uniqueHandle('carol'), `Name ${canary}`);
    await note(carol, `Note ${canary}`);
    const goal = await post(carol, { type: 'goal', effectiveAt: '2026-02-02T10:00:00Z', text: `Goal ${canary}`, progress: 2 });
    goalId = goal.json().id;
    const detailed = await post(carol, { type: 'heart-rate', effectiveAt: '2026-02-03T10:00:00Z', value: 61, detail: { comment: `Detail ${canary}` } });
    expect(detailed.statusCode).toBe(201);
    // A validation failure echoing the canary must not carry it into the log either.
    await post(carol, { type: 'note', effectiveAt: '2026-02-03T10:00:00Z', text: `Bad ${canary}`, mood: canary });
    // The content round-trips, so the canary really was stored.
    expect((await read(carol, goalId)).json().text).toBe(`Goal ${canary}`);
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(carol.token) });
    expect(me.json().displayName).toBe(`Name ${canary}`);
  });

  function assertAbsent(file: string): void {
    if (!fs.existsSync(file)) return;
    const bytes = fs.readFileSync(file);
    for (const needle of [canary, canary.toLowerCase(), canary.toUpperCase()]) {
      expect(bytes.includes(Buffer.from(needle, 'utf8')), `${path.basename(file)} holds ${needle} (utf8)`).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le')), `${path.basename(file)} holds ${needle} (utf16le)`).toBe(false);
      expect(bytes.includes(Buffer.from(needle, 'utf16le').swap16()), `${path.basename(file)} holds ${needle} (utf16be)`).toBe(false);
    }
  }

  it('the database file and its WAL hold no canary, before and after a checkpoint', () => {
    const db = path.join(t.dir, 'tessera.db');
    const wal = path.join(t.dir, 'tessera.db-wal');
    expect(fs.existsSync(db)).toBe(true);
    expect(fs.statSync(wal).size).toBeGreaterThan(0);
    assertAbsent(db);
    assertAbsent(wal);
    sql().pragma('wal_checkpoint(TRUNCATE)');
    assertAbsent(db);
    assertAbsent(wal);
  });

  it('a deleted record leaves no plaintext behind either', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${goalId}`, headers: bearer(carol.token) });
    expect(res.statusCode).toBe(204);
    sql().pragma('wal_checkpoint(TRUNCATE)');
    assertAbsent(path.join(t.dir, 'tessera.db'));
  });

  it('the logs hold no canary, password, access token or refresh token', async () => {
    // One more round of token traffic, so the log has seen every kind of secret.
    const refreshed = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'refresh_token', refresh_token: carol.refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: refreshed.json().access_token } });
    await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: carol.handle, password: `${strongPassword} wrong` } });

    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThan(10);
    expect(log).toContain('incoming request');
    const secrets = [canary, strongPassword, carol.token, carol.refreshToken, refreshed.json().access_token, refreshed.json().refresh_token];
    for (const s of secrets) expect(log.includes(s), `log holds ${s.slice(0, 12)}…`).toBe(false);
    // Tokens also never appear in part (a JWT's signature alone is a credential check).
    expect(log).not.toContain(carol.token.split('.')[2]!);
  });

  it('request lines are logged by route template: no subject id, record id or filter next to the address', async () => {
    const id = await note(alice, 'logged by template');
    const before = logLines.length;
    await t.app.inject({ method: 'GET', url: `/v1/me/records/${id}?from=2026-01-01`, headers: bearer(alice.token) });
    await t.app.inject({ method: 'GET', url: `/v1/me/records?category=notes&type=note`, headers: bearer(alice.token) });
    const lines = logLines.slice(before).map((l) => JSON.parse(l) as { msg: string; req?: { url: string; remoteAddress: string } });
    const incoming = lines.filter((l) => l.msg === 'incoming request');
    expect(incoming.map((l) => l.req!.url)).toEqual(['/v1/me/records/:id', '/v1/me/records']);
    const text = logLines.slice(before).join('');
    for (const leak of [id, 'category=notes', 'from=2026']) expect(text).not.toContain(leak);
  });
});
