import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecentLog, verifyAccessLog } from '../src/features/access-log/verify.js';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let alice: Citizen;
let bob: Citizen;
let gp: Staff;

const log = async (who: Citizen, query = '') =>
  (await t.app.inject({ method: 'GET', url: `/v1/me/access-log${query}`, headers: bearer(who.token) })).json().items;

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  alice = await signUpCitizen(t.app);
  bob = await signUpCitizen(t.app);
  // A mixed workload on two people: grants, reads, appends, a revocation and a deletion.
  for (const who of [alice, bob]) {
    await addRecord(t.app, who, { type: 'gad7', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1] });
    const read = await grant(t.app, who, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    await grant(t.app, who, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['health-status'] });
    for (let i = 0; i < 3; i++) await t.app.inject({ method: 'GET', url: `/v1/subjects/${who.subjectId}/records`, headers: bearer(gp.token) });
    await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${who.subjectId}/records`,
      headers: bearer(gp.token),
      payload: { type: 'blood-pressure', effectiveAt: '2026-03-02T10:00:00Z', systolic: 131, diastolic: 84 },
    });
    const note = await addRecord(t.app, who, { type: 'note', effectiveAt: '2026-03-03T10:00:00Z', text: 'to delete' });
    await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${note.id}`, headers: bearer(who.token) });
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${read.id}`, headers: bearer(who.token) });
  }
});
afterAll(() => t.close());

describe('access log', () => {
  it('records every grant, read, append, deletion and revocation, oldest first, chained', async () => {
    const items = await log(alice);
    expect(items.map((e: { action: string }) => e.action)).toEqual([
      'grant.create',
      'grant.create',
      'records.read',
      'records.read',
      'records.read',
      'records.append',
      'records.delete',
      'grant.revoke',
    ]);
    items.forEach((e: { seq: number; prevHash: string | null; hash: string }, i: number) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(i === 0 ? null : items[i - 1].hash);
    });
    const read = items[2];
    expect(read.actor).toEqual({ accountId: gp.accountId, organisationId: gp.organisationId, kind: 'practitioner' });
    expect(read.recordIds).toHaveLength(1);
    expect(read.grantIds).toHaveLength(1);
    expect(JSON.stringify(items)).not.toContain('to delete');
  });

  it('filters by actor and action, and lists newest first with order=desc', async () => {
    expect((await log(alice, `?actor=${gp.accountId}&action=records.read`)).length).toBe(3);
    const desc = await log(alice, '?order=desc&limit=2');
    expect(desc.map((e: { action: string }) => e.action)).toEqual(['grant.revoke', 'records.delete']);
  });

  it('each person sees only their own chain', async () => {
    const mine = (await log(alice)).map((e: { id: string }) => e.id);
    const theirs = (await log(bob)).map((e: { id: string }) => e.id);
    expect(mine.filter((id: string) => theirs.includes(id))).toEqual([]);
  });

  it('every chain verifies, and editing one entry breaks it at exactly that entry', async () => {
    const deps = t.deps;
    const ok = await verifyAccessLog(deps);
    expect(ok.broken).toBeNull();
    expect(await checkRecentLog(deps, 1000)).toEqual({ checked: 16, broken: null });
    expect(ok.entries).toBe(16);
    const target = (await log(bob))[4];
    t.sqlite().db.$client.prepare("UPDATE access_log SET query = '{\"limit\":500}' WHERE id = ?").run(target.id);
    const bad = await verifyAccessLog(deps);
    expect(bad.broken).toMatchObject({ subjectId: bob.subjectId, seq: 5, id: target.id });
    expect((await checkRecentLog(deps, 1000)).broken).toMatchObject({ subjectId: bob.subjectId, seq: 5, id: target.id });
    expect((await verifyAccessLog(deps, alice.subjectId)).broken).toBeNull();
  });

  it('a read whose log entry cannot be written is not served', async () => {
    const carol = await signUpCitizen(t.app);
    await addRecord(t.app, carol, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] });
    await grant(t.app, carol, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    t.sqlite().db.$client.exec(`CREATE TRIGGER no_log BEFORE INSERT ON access_log WHEN NEW.subject_id = '${carol.subjectId}' BEGIN SELECT RAISE(ABORT, 'log unavailable'); END`);
    try {
      const res = await t.app.inject({ method: 'GET', url: `/v1/subjects/${carol.subjectId}/records`, headers: bearer(gp.token) });
      expect(res.statusCode).toBeGreaterThanOrEqual(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body).not.toContain('phq9');
    } finally {
      t.sqlite().db.$client.exec('DROP TRIGGER no_log');
    }
  });
});
