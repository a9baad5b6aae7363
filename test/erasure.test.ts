import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessLog } from '../src/features/access-log/verify.js';
import { bearer, signUpCitizen, strongPassword, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let gp: Staff;
let alice: Citizen;
let bob: Citizen;
const canary = 'CANARY-erasure-7f3a9c';

const bytesOf = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0));

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  alice = await signUpCitizen(t.app, undefined, `Alice ${canary}`);
  bob = await signUpCitizen(t.app);
  for (const who of [alice, bob]) {
    await addRecord(t.app, who, { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text: `${canary} private note`, detail: { canary } });
    await addRecord(t.app, who, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 1] });
    await grant(t.app, who, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing', 'notes'], purposeText: canary });
    await t.app.inject({ method: 'POST', url: `/v1/subjects/${who.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
    await t.app.inject({ method: 'GET', url: `/v1/subjects/${who.subjectId}/records`, headers: bearer(gp.token) });
  }
});
afterAll(() => t.close());

const erase = (who: Citizen, password: string) => t.app.inject({ method: 'DELETE', url: '/v1/me', headers: bearer(who.token), payload: { password } });

describe('erasure', () => {
  it('a wrong password erases nothing', async () => {
    const res = await erase(alice, 'not my password at all');
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(alice.token) })).json().items).toHaveLength(2);
  });

  it('wrong passwords are throttled like logins: after five, even the right one waits (429)', async () => {
    const carol = await signUpCitizen(t.app);
    for (let i = 0; i < 5; i++) expect((await erase(carol, `guess number ${i}`)).statusCode).toBe(403);
    const limited = await erase(carol, strongPassword);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(carol.token) })).statusCode).toBe(200);
  });

  it('destroys the key and every row: no login, supporters get 404, no key or canary left in the DB or WAL', async () => {
    const db = t.sqlite().db.$client;
    const wrapped = (db.prepare('SELECT wrapped_key FROM subject_keys WHERE subject_id = ?').get(alice.subjectId) as { wrapped_key: Buffer }).wrapped_key;
    const res = await erase(alice, strongPassword);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().subjectId).toBe(alice.subjectId);

    const login = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: alice.handle, password: strongPassword } });
    expect(login.statusCode).toBe(400);
    expect(login.json().error).toBe('invalid_grant');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(alice.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${alice.subjectId}/records`, headers: bearer(gp.token) })).statusCode).toBe(404);

    for (const table of ['subject_keys', 'records', 'grants', 'access_requests', 'watches', 'alerts', 'idempotency_keys']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table} WHERE subject_id = ?`).get(alice.subjectId)).toEqual({ n: 0 });
    }
    expect(db.prepare('SELECT count(*) AS n FROM accounts WHERE id = ?').get(alice.accountId)).toEqual({ n: 0 });
    const onDisk = Buffer.concat([bytesOf(t.config.dbFile), bytesOf(`${t.config.dbFile}-wal`)]);
    expect(onDisk.includes(wrapped)).toBe(false);
    expect(onDisk.includes(Buffer.from(canary))).toBe(false);
  });

  it('leaves only a tombstone in the log, with no grant terms or organisation ids, and every chain still verifies', async () => {
    const db = t.sqlite().db.$client;
    const entries = db
      .prepare('SELECT seq, action, actor_account_id, actor_organisation_id, grant_ids, record_ids, query, prev_hash FROM access_log WHERE subject_id = ? ORDER BY seq')
      .all(alice.subjectId);
    // Her earlier entries (who read what, under which grant) went with her; the tombstone starts a new chain.
    expect(entries).toEqual([
      { seq: 1, action: 'subject.erase', actor_account_id: null, actor_organisation_id: null, grant_ids: '[]', record_ids: '[]', query: '{}', prev_hash: null },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM log_checkpoints WHERE subject_id = ?').get(alice.subjectId)).toEqual({ n: 0 });
    expect((db.prepare('SELECT count(*) AS n FROM access_log WHERE subject_id = ?').get(bob.subjectId) as { n: number }).n).toBeGreaterThan(1);
    const report = await verifyAccessLog(t.deps);
    expect(report.broken).toBeNull();
  });

  it('another person is untouched', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(bob.token) });
    expect(mine.json().items).toHaveLength(2);
    const read = await t.app.inject({ method: 'GET', url: `/v1/subjects/${bob.subjectId}/records`, headers: bearer(gp.token) });
    expect(read.statusCode).toBe(200);
  });

  it('deleting one record shows in the person’s log', async () => {
    const rec = await addRecord(t.app, bob, { type: 'note', effectiveAt: '2026-03-05T10:00:00Z', text: 'gone soon' });
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${rec.id}`, headers: bearer(bob.token) })).statusCode).toBe(204);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?action=records.delete', headers: bearer(bob.token) })).json().items;
    expect(log.map((e: { recordIds: string[] }) => e.recordIds)).toEqual([[rec.id]]);
  });
});
