import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let admin: Staff;
let orgId: string;
let gp: Staff;

const phq9 = (total: number, item9 = 0) => {
  // Spread `total` over items 1–8 (0–3 each), item 9 as given.
  const answers = Array.from({ length: 8 }, (_, i) => Math.max(0, Math.min(3, total - item9 - 3 * i)));
  return { type: 'phq9', effectiveAt: new Date().toISOString(), answers: [...answers, item9] };
};

const watch = (who: Staff, subjectId: string, body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/v1/subjects/${subjectId}/watches`, headers: bearer(who.token), payload: body });

const feed = async (who: Staff) => (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(who.token) })).json().items;

async function personGranting(to: Staff, terms: Record<string, unknown> = {}): Promise<Citizen> {
  const p = await signUpCitizen(t.app);
  await grant(t.app, p, { grantee: { accountId: to.accountId }, categories: ['mental-wellbeing', 'health-status'], ...terms });
  return p;
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, orgId, 'gp');
});
afterAll(() => t.close());

describe('watches and alerts', () => {
  it('ge fires at the threshold and gt does not', async () => {
    const p = await personGranting(gp);
    const ge = (await watch(gp, p.subjectId, { type: 'phq9', field: 'score', op: 'ge', threshold: 20 })).json();
    const gt = (await watch(gp, p.subjectId, { type: 'phq9', field: 'score', op: 'gt', threshold: 20 })).json();
    const rec = await addRecord(t.app, p, phq9(20));
    const mine = (await feed(gp)).filter((a: { recordId: string }) => a.recordId === rec.id);
    expect(mine.map((a: { watchId: string }) => a.watchId)).toEqual([ge.id]);
    expect(mine[0]).toMatchObject({ kind: 'match', subjectId: p.subjectId, type: 'phq9', matched: { field: 'score', value: 20, op: 'ge', threshold: 20 }, ackedAt: null });
    expect(gt.active).toBe(true);
  });

  it('a flag rule fires on PHQ-9 item 9 above 0 and not otherwise', async () => {
    const p = await personGranting(gp);
    await watch(gp, p.subjectId, { type: 'phq9', flag: 'self-harm-risk' });
    const quiet = await addRecord(t.app, p, phq9(3, 0));
    const risk = await addRecord(t.app, p, phq9(3, 1));
    const ids = (await feed(gp)).map((a: { recordId: string }) => a.recordId);
    expect(ids).toContain(risk.id);
    expect(ids).not.toContain(quiet.id);
  });

  it('a change rule fires when the score drops by at least N since the previous record', async () => {
    const p = await personGranting(gp);
    await watch(gp, p.subjectId, { type: 'wemwbs', field: 'score', op: 'drop-by', threshold: 5 });
    const at = (d: number) => `2026-04-0${d}T09:00:00Z`;
    await addRecord(t.app, p, { type: 'wemwbs', effectiveAt: at(1), answers: Array(14).fill(4) });
    const small = await addRecord(t.app, p, { type: 'wemwbs', effectiveAt: at(2), answers: [...Array(10).fill(4), 3, 3, 3, 3] });
    const big = await addRecord(t.app, p, { type: 'wemwbs', effectiveAt: at(3), answers: Array(14).fill(3) });
    const mine = (await feed(gp)).filter((a: { subjectId: string }) => a.subjectId === p.subjectId);
    expect(mine.map((a: { recordId: string }) => a.recordId)).toEqual([big.id]);
    // 56 → 52 is a drop of 4 (below 5, nothing); 52 → 42 is a drop of 10.
    expect(mine[0].matched).toMatchObject({ value: 42, previous: 52, change: -10 });
    expect(mine.map((a: { recordId: string }) => a.recordId)).not.toContain(small.id);
  });

  it('appended records trigger watches too, and each alert is in the person’s access log', async () => {
    const nurse = await createPractitioner(t.app, admin, orgId, 'nurse');
    const p = await personGranting(gp);
    await grant(t.app, p, { grantee: { accountId: nurse.accountId }, access: 'append', categories: ['health-status'] });
    await watch(gp, p.subjectId, { type: 'blood-glucose', field: 'value', op: 'lt', threshold: 4 });
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/records`,
      headers: bearer(nurse.token),
      payload: { type: 'blood-glucose', effectiveAt: new Date().toISOString(), value: 3.6, unit: 'mmol/L' },
    });
    expect(res.statusCode).toBe(201);
    expect((await feed(gp)).some((a: { recordId: string }) => a.recordId === res.json().id)).toBe(true);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?action=alert.raise', headers: bearer(p.token) })).json().items;
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ actor: { accountId: gp.accountId }, recordIds: [res.json().id] });
  });

  it('a watch outliving its grant raises nothing, and earlier alerts stop showing what matched', async () => {
    const p = await signUpCitizen(t.app);
    const g = await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    await watch(gp, p.subjectId, { type: 'gad7', field: 'score', op: 'ge', threshold: 15 });
    const first = await addRecord(t.app, p, { type: 'gad7', effectiveAt: new Date().toISOString(), answers: [3, 3, 3, 3, 3, 3, 3] });
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(p.token) });
    const second = await addRecord(t.app, p, { type: 'gad7', effectiveAt: new Date().toISOString(), answers: [3, 3, 3, 3, 3, 3, 3] });
    const mine = (await feed(gp)).filter((a: { subjectId: string }) => a.subjectId === p.subjectId);
    expect(mine.map((a: { recordId: string }) => a.recordId)).toEqual([first.id]);
    expect(mine[0].matched).toEqual({});
    expect(mine.map((a: { recordId: string }) => a.recordId)).not.toContain(second.id);
    const onMe = (await t.app.inject({ method: 'GET', url: '/v1/me/watches', headers: bearer(p.token) })).json().items;
    expect(onMe[0]).toMatchObject({ type: 'gad7', active: false, watcher: { accountId: gp.accountId } });
  });

  it('records outside the grant window or category raise nothing', async () => {
    const p = await personGranting(gp, { from: '2026-01-01', to: '2026-01-31' });
    await watch(gp, p.subjectId, { type: 'heart-rate', field: 'value', op: 'gt', threshold: 100 });
    const outside = await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: '2026-02-10T10:00:00Z', value: 150 });
    const inside = await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: '2026-01-10T10:00:00Z', value: 150 });
    const moved = await addRecord(t.app, p, { type: 'heart-rate', category: 'healthy-living', effectiveAt: '2026-01-11T10:00:00Z', value: 150 });
    const ids = (await feed(gp)).map((a: { recordId: string }) => a.recordId);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);
    expect(ids).not.toContain(moved.id);
  });

  it('refuses watches outside the grant (403), on a person without a grant (404) and bad rules (400)', async () => {
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['health-status'] });
    expect((await watch(gp, p.subjectId, { type: 'phq9', field: 'score', op: 'ge', threshold: 20 })).statusCode).toBe(403);
    const stranger = await signUpCitizen(t.app);
    expect((await watch(gp, stranger.subjectId, { type: 'weight', field: 'value', op: 'gt', threshold: 100 })).statusCode).toBe(404);
    const bad = await watch(gp, p.subjectId, { type: 'blood-pressure', field: 'score', op: 'ge', threshold: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('field');
    const flag = await watch(gp, p.subjectId, { type: 'weight', flag: 'self-harm-risk' });
    expect(flag.json().errors[0].field).toBe('flag');
    const bp = await watch(gp, p.subjectId, { type: 'blood-pressure', field: 'systolic', op: 'ge', threshold: 180 });
    expect(bp.statusCode).toBe(201);
  });

  it('the person removes a watch; the supporter finds a notice in their feed and can acknowledge it', async () => {
    const p = await personGranting(gp);
    const w = (await watch(gp, p.subjectId, { type: 'weight', field: 'value', op: 'gt', threshold: 150 })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/watches/${w.id}`, headers: bearer(p.token) });
    expect(del.statusCode).toBe(204);
    const notice = (await feed(gp)).find((a: { watchId: string }) => a.watchId === w.id);
    expect(notice).toMatchObject({ kind: 'watch-removed', recordId: null, subjectId: p.subjectId });
    const ack = await t.app.inject({ method: 'POST', url: `/v1/alerts/${notice.id}/ack`, headers: bearer(gp.token) });
    expect(ack.statusCode).toBe(200);
    expect(typeof ack.json().ackedAt).toBe('string');
    const unacked = (await t.app.inject({ method: 'GET', url: '/v1/alerts?unacked=true', headers: bearer(gp.token) })).json().items;
    expect(unacked.some((a: { id: string }) => a.id === notice.id)).toBe(false);
    await addRecord(t.app, p, { type: 'weight', effectiveAt: new Date().toISOString(), value: 160 });
    expect((await feed(gp)).filter((a: { watchId: string }) => a.watchId === w.id)).toHaveLength(1);
  });

  it('a change rule on a 3,000-entry import in shuffled order compares each reading with the one before it in time, inside the grant', async () => {
    const T0 = Date.UTC(2026, 2, 1);
    const minute = (m: number) => new Date(T0 + m * 60_000).toISOString();
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['health-status'], types: ['heart-rate'], from: minute(0) });
    const w = (await watch(gp, p.subjectId, { type: 'heart-rate', field: 'value', op: 'rise-by', threshold: 20 })).json();
    // Before the grant's window: never the comparison, though it is the lowest reading.
    await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: minute(-30), value: 20 });
    await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: minute(1), value: 60 });
    const spikes = new Set([0, 500, 1700, 2999]);
    const readings = Array.from({ length: 3000 }, (_, i) => ({ m: 10 + i, value: spikes.has(i) ? 95 : 60 + (i % 5) }));
    readings.push({ m: -20, value: 120 }); // outside the window: no alert, and no comparison either
    // A fixed shuffle, so the body's order is not time order.
    const body = readings.map((r, i) => ({ r, k: (i * 7919) % 3001 })).sort((a, b) => a.k - b.k).map(({ r }) => ({
      header: { schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' } },
      body: { heart_rate: { value: r.value, unit: 'beats/min' }, effective_time_frame: { date_time: minute(r.m) } },
    }));
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/imports', headers: { ...bearer(p.token), 'content-type': 'application/json' }, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    const until = Date.now() + 60_000;
    let status = res.json();
    while (status.status === 'running' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await t.app.inject({ method: 'GET', url: res.headers.location as string, headers: bearer(p.token) })).json();
    }
    expect(status).toMatchObject({ status: 'completed', added: 3001 });
    // In time order inside the window: the stored 60, then the imported readings.
    const inWindow = [{ m: 1, value: 60 }, ...readings.filter((r) => r.m >= 0).sort((a, b) => a.m - b.m)];
    const rises = inWindow.slice(1).filter((r, k) => r.value - inWindow[k]!.value >= 20).map((r) => minute(r.m));
    expect(rises).toEqual([0, 500, 1700, 2999].map((i) => minute(10 + i)));
    type Alert = { watchId: string; recordId: string; matched: { previous: number; effectiveAt: string } };
    const alerts = ((await feed(gp)) as Alert[]).filter((a) => a.watchId === w.id);
    // Heart rate is a dense measure: the readings went into day chunks, and each alert names the
    // chunk and the reading's moment (docs/performance.md "Dense series").
    const idAt = async (at: string) =>
      (await t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records?type=heart-rate&from=${at}&to=${at}`, headers: bearer(gp.token) })).json().items[0];
    const byMoment = new Map(alerts.map((a) => [a.matched.effectiveAt, a]));
    expect([...byMoment.keys()].sort()).toEqual(rises);
    for (const at of rises) {
      const item = await idAt(at);
      expect(item.series).toMatchObject({ start: at, end: at, count: 1, values: [95] });
      expect(byMoment.get(at)!.recordId).toBe(item.id);
    }
    // Each spike against the reading a minute before it (the first against the stored 60).
    expect(rises.map((at) => byMoment.get(at)!.matched.previous)).toEqual([60, 64, 64, 63]);
  });

  it("another supporter cannot see or acknowledge someone else's alerts", async () => {
    const other = await createPractitioner(t.app, admin, orgId, 'coach');
    const someAlert = (await feed(gp))[0];
    expect(await feed(other)).toEqual([]);
    expect((await t.app.inject({ method: 'POST', url: `/v1/alerts/${someAlert.id}/ack`, headers: bearer(other.token) })).statusCode).toBe(404);
  });
});
