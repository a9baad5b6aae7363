import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/**
 * An alert no one acknowledges in time goes to the watcher's organisation (issue #18 item 11):
 * a durable mechanism in the database (alerts.escalate_at, polled by a worker), reaching only
 * colleagues whom the person's consent reaches.
 */

let t: TestApp;
let gp: Staff;
let nurse: Staff;
let orgId: string;

beforeAll(async () => {
  t = await buildTestApp({ env: { TESSERA_ALERT_ESCALATION_MINUTES: '30' }, escalationIntervalMs: 50 });
  const admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, orgId, 'gp');
  nurse = await createPractitioner(t.app, admin, orgId, 'nurse');
});
afterAll(() => t.close());

const feed = async (who: Staff) => (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(who.token) })).json().items as Record<string, unknown>[];
const flagged = (day: number) => ({ type: 'phq9', effectiveAt: `2026-03-${String(day).padStart(2, '0')}T10:00:00Z`, answers: [1, 1, 1, 1, 1, 1, 1, 1, 2] });

async function watchedPerson(terms: Parameters<typeof grant>[2]): Promise<Citizen> {
  const p = await signUpCitizen(t.app);
  await grant(t.app, p, terms);
  const w = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
  expect(w.statusCode, w.body).toBe(201);
  return p;
}

/** Waits (bounded) for the worker's next passes to have happened. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('not escalated within 5 s');
}

describe('escalation of unacknowledged alerts', () => {
  it('after the configured time, colleagues reached by an organisation grant get it in their feed, and the person’s log says so', async () => {
    const p = await watchedPerson({ grantee: { organisationId: orgId }, categories: ['mental-wellbeing'] });
    const rec = await addRecord(t.app, p, flagged(1));
    const original = (await feed(gp)).find((a) => a.recordId === rec.id)!;
    expect(original).toMatchObject({ kind: 'match', escalatedAt: null });
    // Not before its time.
    t.clock.advance(29 * 60_000);
    await new Promise((r) => setTimeout(r, 200));
    expect((await feed(nurse)).some((a) => a.recordId === rec.id)).toBe(false);
    t.clock.advance(2 * 60_000);
    await until(async () => (await feed(nurse)).some((a) => a.recordId === rec.id));
    const copy = (await feed(nurse)).find((a) => a.recordId === rec.id)!;
    expect(copy).toMatchObject({ kind: 'escalated', escalatedFrom: original.id, subjectId: p.subjectId, type: 'phq9', ackedAt: null });
    expect(copy.matched).toEqual(original.matched);
    expect((await feed(gp)).find((a) => a.id === original.id)!.escalatedAt).not.toBeNull();
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=3', headers: bearer(p.token) })).json().items;
    expect(log.find((e: { action: string }) => e.action === 'alert.escalate')).toMatchObject({ recordIds: [rec.id], query: { alertId: original.id, colleaguesTold: 1 } });
    // Once only.
    await new Promise((r) => setTimeout(r, 200));
    expect((await feed(nurse)).filter((a) => a.recordId === rec.id)).toHaveLength(1);
  });

  it('an acknowledged alert is not escalated', async () => {
    const p = await watchedPerson({ grantee: { organisationId: orgId }, categories: ['mental-wellbeing'] });
    const rec = await addRecord(t.app, p, flagged(2));
    const a = (await feed(gp)).find((x) => x.recordId === rec.id)!;
    expect((await t.app.inject({ method: 'POST', url: `/v1/alerts/${a.id}/ack`, headers: bearer(gp.token) })).statusCode).toBe(200);
    t.clock.advance(31 * 60_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await feed(nurse)).some((x) => x.recordId === rec.id)).toBe(false);
    expect((await feed(gp)).find((x) => x.id === a.id)!.escalatedAt).toBeNull();
  });

  it('consent given to one practitioner reaches no colleague: escalated to nobody, and logged so', async () => {
    const p = await watchedPerson({ grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    const rec = await addRecord(t.app, p, flagged(3));
    const a = (await feed(gp)).find((x) => x.recordId === rec.id)!;
    t.clock.advance(31 * 60_000);
    await until(async () => (await feed(gp)).find((x) => x.id === a.id)!.escalatedAt !== null);
    expect((await feed(nurse)).some((x) => x.recordId === rec.id)).toBe(false);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=3', headers: bearer(p.token) })).json().items;
    expect(log.find((e: { action: string }) => e.action === 'alert.escalate')).toMatchObject({ grantIds: [], query: { colleaguesTold: 0 } });
  });

  it('is kept in the database: an alert raised before a restart is escalated after it', async () => {
    const p = await watchedPerson({ grantee: { organisationId: orgId }, categories: ['mental-wellbeing'] });
    const rec = await addRecord(t.app, p, flagged(4));
    t = await t.restart();
    t.clock.advance(31 * 60_000);
    await until(async () => (await feed(nurse)).some((a) => a.recordId === rec.id && a.kind === 'escalated'));
  });
});
