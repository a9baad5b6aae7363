import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';
import { phq9 } from './helpers/instruments.js';

let t: TestApp;
let alex: Citizen;
let gp: Staff;
let outsider: Staff;


beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  const org = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  outsider = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  alex = await signUpCitizen(t.app);
  for (const [score, at] of [[15, '2026-01-05T09:00:00Z'], [12, '2026-02-05T09:00:00Z'], [9, '2026-03-05T09:00:00Z']] as const) {
    await addRecord(t.app, alex, phq9(score, at));
  }
  await addRecord(t.app, alex, { type: 'gad7', effectiveAt: '2026-01-05T09:00:00Z', answers: [2, 2, 2, 2, 2, 1, 1] });
  await addRecord(t.app, alex, { type: 'gad7', effectiveAt: '2026-03-05T09:00:00Z', answers: [2, 2, 1, 1, 1, 1, 1] });
  await addRecord(t.app, alex, { type: 'ucla3', effectiveAt: '2026-01-05T09:00:00Z', answers: [3, 3, 2] });
  await addRecord(t.app, alex, { type: 'ucla3', effectiveAt: '2026-03-05T09:00:00Z', answers: [2, 1, 1] });
  await addRecord(t.app, alex, { type: 'ons4', effectiveAt: '2026-01-05T09:00:00Z', answers: [5, 6, 5, 7] });
  await addRecord(t.app, alex, { type: 'ons4', effectiveAt: '2026-03-05T09:00:00Z', answers: [7, 7, 6, 3] });
  await addRecord(t.app, alex, { type: 'blood-pressure', effectiveAt: '2026-01-05T09:00:00Z', systolic: 142, diastolic: 90 });
  await addRecord(t.app, alex, { type: 'blood-pressure', effectiveAt: '2026-03-05T09:00:00Z', systolic: 131, diastolic: 84 });
});
afterAll(() => t.close());

async function ownTrend(query: string) {
  return t.app.inject({ method: 'GET', url: `/v1/me/trends?${query}`, headers: bearer(alex.token) });
}

describe('a person’s own trends', () => {
  it('PHQ-9 15 → 12 → 9: points oldest first, change −6, better, meaningful by the 5-point MCID (Löwe 2004)', async () => {
    const res = await ownTrend('type=phq9');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.points.map((p: { score: number; band: string }) => [p.score, p.band])).toEqual([
      [15, 'moderately-severe'],
      [12, 'moderate'],
      [9, 'mild'],
    ]);
    expect(body.baseline).toMatchObject({ score: 15, at: '2026-01-05T09:00:00.000Z' });
    expect(body.latest).toMatchObject({ score: 9, at: '2026-03-05T09:00:00.000Z' });
    expect(body).toMatchObject({ type: 'phq9', change: -6, direction: 'better', meaningful: true });
    expect(body.meaningfulChange).toMatchObject({ threshold: 5, improvement: 'decrease' });
    expect(body.meaningfulChange.source).toMatch(/Löwe/);
  });

  it('GAD-7 12 → 9 is better but below the 4-point MCID (Toussaint 2020)', async () => {
    const body = (await ownTrend('type=gad7')).json();
    expect(body).toMatchObject({ change: -3, direction: 'better', meaningful: false });
  });

  it('UCLA-3 has no published threshold: the change is shown, never called meaningful', async () => {
    const body = (await ownTrend('type=ucla3')).json();
    expect(body).toMatchObject({ change: -4, direction: 'better', meaningful: null });
    expect(body.meaningfulChange).toMatchObject({ threshold: null, source: null });
  });

  it('ONS4 is followed one item at a time; anxiety improves by going down', async () => {
    const missing = await ownTrend('type=ons4');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0]).toMatchObject({ field: 'item', in: 'query' });
    const anxiety = (await ownTrend('type=ons4&item=4')).json();
    expect(anxiety.points.map((p: { score: number; band: string }) => [p.score, p.band])).toEqual([[7, 'high'], [3, 'low']]);
    expect(anxiety).toMatchObject({ item: 4, change: -4, direction: 'better', meaningful: null });
    const life = (await ownTrend('type=ons4&item=1')).json();
    expect(life).toMatchObject({ change: 2, direction: 'better' });
    expect((await ownTrend('type=ons4&item=5')).statusCode).toBe(400);
  });

  it('blood pressure needs a component; a measure has no direction of improvement', async () => {
    expect((await ownTrend('type=blood-pressure')).json().errors[0]).toMatchObject({ field: 'component' });
    const sys = (await ownTrend('type=blood-pressure&component=systolic')).json();
    expect(sys).toMatchObject({ change: -11, direction: null, meaningful: null, meaningfulChange: null });
  });

  it('a window narrows the points', async () => {
    const body = (await ownTrend('type=phq9&from=2026-02-01&to=2026-03-31')).json();
    expect(body.points.map((p: { score: number }) => p.score)).toEqual([12, 9]);
    expect(body).toMatchObject({ change: -3, meaningful: false });
  });

  it('one point: baseline and latest are the same, no change', async () => {
    const body = (await ownTrend('type=phq9&to=2026-01-31')).json();
    expect(body.points).toHaveLength(1);
    expect(body.latest).toEqual(body.baseline);
    expect(body).toMatchObject({ change: null, direction: null, meaningful: null });
  });

  it('no records: an empty series', async () => {
    const body = (await ownTrend('type=wemwbs')).json();
    expect(body).toMatchObject({ points: [], baseline: null, latest: null, change: null });
  });

  it('types with no number, unknown types and options a type does not use are 400s naming the field', async () => {
    expect((await ownTrend('type=note')).json().errors[0]).toMatchObject({ field: 'type' });
    expect((await ownTrend('type=no-such-type')).json().errors[0]).toMatchObject({ field: 'type' });
    expect((await ownTrend('type=phq9&item=1')).json().errors[0]).toMatchObject({ field: 'item' });
    expect((await ownTrend('type=phq9&component=systolic')).json().errors[0]).toMatchObject({ field: 'component' });
    expect((await ownTrend('type=goal')).json().errors[0]).toMatchObject({ field: 'goalId' });
    expect((await ownTrend('type=phq9&goalId=0190f7c2-0000-7000-8000-000000000000')).json().errors[0]).toMatchObject({ field: 'goalId' });
    expect((await ownTrend('type=phq9&from=yesterday')).json().errors[0]).toMatchObject({ field: 'from' });
    const res = await ownTrend('');
    expect(res.statusCode).toBe(400);
  });
});

describe('goals as series', () => {
  it('a goal, its progress updates and its status form one series; another goal stays apart', async () => {
    const first = await addRecord(t.app, alex, { type: 'goal', effectiveAt: '2026-01-10T09:00:00Z', text: 'Walk to the allotment twice a week', progress: 2 });
    const other = await addRecord(t.app, alex, { type: 'goal', effectiveAt: '2026-01-11T09:00:00Z', text: 'Call my sister', progress: 5 });
    const update = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alex.token),
      payload: { type: 'goal', effectiveAt: '2026-02-10T09:00:00Z', goalId: first.id, progress: 6 },
    });
    expect(update.statusCode, update.body).toBe(201);
    expect(update.json()).toMatchObject({ goalId: first.id, progress: 6 });
    expect(update.json().text).toBeUndefined();
    await addRecord(t.app, alex, { type: 'goal', effectiveAt: '2026-03-10T09:00:00Z', goalId: first.id, progress: 10, status: 'achieved' });

    const trend = (await ownTrend(`type=goal&goalId=${first.id}`)).json();
    expect(trend.points.map((p: { score: number; band: string }) => [p.score, p.band])).toEqual([
      [2, 'active'],
      [6, null],
      [10, 'achieved'],
    ]);
    expect(trend).toMatchObject({ goalId: first.id, change: 8, direction: 'better', meaningful: null });
    expect((await ownTrend(`type=goal&goalId=${other.id}`)).json().points).toHaveLength(1);

    // In the FHIR export the goal is one Goal; its updates are Observations about it.
    const bundle = (await t.app.inject({ method: 'GET', url: '/v1/me/export?format=fhir', headers: bearer(alex.token) })).json();
    const resources = bundle.entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(resources.filter((r: { resourceType: string; id: string }) => r.resourceType === 'Goal' && r.id === first.id)).toHaveLength(1);
    const updates = resources.filter((r: { resourceType: string; focus?: { reference: string }[] }) => r.resourceType === 'Observation' && r.focus?.[0]?.reference === `Goal/${first.id}`);
    expect(updates.map((u: { valueInteger: number }) => u.valueInteger).sort()).toEqual([10, 6]);
  });

  it('an update must name the first record of one of the person’s own goals', async () => {
    const goal = await addRecord(t.app, alex, { type: 'goal', effectiveAt: '2026-01-12T09:00:00Z', text: 'Sleep before midnight', progress: 1 });
    const upd = await addRecord(t.app, alex, { type: 'goal', effectiveAt: '2026-01-13T09:00:00Z', goalId: goal.id, progress: 2 });
    const note = await addRecord(t.app, alex, { type: 'note', effectiveAt: '2026-01-13T09:00:00Z', text: 'a note' });
    const someoneElse = await signUpCitizen(t.app);
    const theirs = await addRecord(t.app, someoneElse, { type: 'goal', effectiveAt: '2026-01-13T09:00:00Z', text: 'Theirs', progress: 1 });
    for (const goalId of [upd.id, note.id, theirs.id]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/me/records',
        headers: bearer(alex.token),
        payload: { type: 'goal', effectiveAt: '2026-01-14T09:00:00Z', goalId, progress: 3 },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0]).toMatchObject({ field: 'goalId' });
    }
    const badStatus = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alex.token),
      payload: { type: 'goal', effectiveAt: '2026-01-14T09:00:00Z', goalId: goal.id, status: 'finished' },
    });
    expect(badStatus.json().errors[0]).toMatchObject({ field: 'status' });
    const onNote = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alex.token),
      payload: { type: 'note', effectiveAt: '2026-01-14T09:00:00Z', text: 'x', goalId: goal.id },
    });
    expect(onNote.json().errors[0]).toMatchObject({ field: 'goalId' });
  });

  it('a need carries its intensity and status, and can be followed over time', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alex.token),
      payload: { type: 'need', category: 'money', effectiveAt: '2026-01-15T09:00:00Z', text: 'Help with debts', intensity: 8 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ category: 'money', intensity: 8, status: 'open' });
    await addRecord(t.app, alex, { type: 'need', category: 'money', effectiveAt: '2026-03-15T09:00:00Z', text: 'Help with debts', intensity: 3, status: 'being-met' });
    const trend = (await ownTrend('type=need')).json();
    expect(trend).toMatchObject({ change: -5, direction: 'better' });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alex.token),
      payload: { type: 'need', effectiveAt: '2026-01-15T09:00:00Z', text: 'x', intensity: 11, progress: 2 },
    });
    expect(bad.json().errors.map((e: { field: string }) => e.field).sort()).toEqual(['intensity', 'progress']);
  });
});

describe('a supporter’s view of a person’s trend', () => {
  let grantId: string;
  beforeAll(async () => {
    grantId = (await grant(t.app, alex, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'], types: ['phq9'], from: '2026-02-01' })).id;
  });

  it('covers only what the read grant does, and is logged with the records it drew on', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/trends?type=phq9`, headers: bearer(gp.token) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.points.map((p: { score: number }) => p.score)).toEqual([12, 9]);
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=1', headers: bearer(alex.token) })).json().items[0];
    expect(log).toMatchObject({ action: 'trends.read', grantIds: [grantId], query: { type: 'phq9' }, actor: { accountId: gp.accountId } });
    expect([...log.recordIds].sort()).toEqual(body.points.map((p: { recordId: string }) => p.recordId).sort());
  });

  it('a type outside the grant is 403; a person with no grant to the caller is 404; after revocation 404', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/trends?type=gad7`, headers: bearer(gp.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/trends?type=phq9`, headers: bearer(outsider.token) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/trends?type=phq9`, headers: bearer(alex.token) })).statusCode).toBe(403);
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${grantId}`, headers: bearer(alex.token) });
    expect((await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/trends?type=phq9`, headers: bearer(gp.token) })).statusCode).toBe(404);
  });
});
