import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './helpers/consent.js';
import { phq9 } from './helpers/instruments.js';

/*
 * A fixture population with hand-computed answers (docs/outcomes.md). Riverside commissions;
 * Hillside provides support and writes some records. Twelve people P1–P12 gave Riverside
 * outcome-reporting consent on mental wellbeing and goals; X1–X4 did not, in four different ways.
 *
 * PHQ-9, January → March 2026 (change; meaningful = a drop of 5 or more, Löwe 2004):
 *   P1 20→12 (−8 ✓)  P2 18→10 (−8 ✓)  P3 15→9 (−6 ✓)  P4 14→9 (−5 ✓)  P5 12→8 (−4)   P6 10→9 (−1)
 *   P7 10→12 (+2)    P8 9→3 (−6 ✓)    P9 8→8 (0)      P10 22→15 (−7 ✓) P11 16→16 (0)  P12 6→2 (−4)
 *   January sum 160 (mean 13.33), March sum 113 (mean 9.42), change sum −47 (mean −3.92),
 *   6 of 12 meaningfully better (0.5). P1–P8's records were appended by Hillside, P9–P12's are their own.
 * Goals: P1–P10 set one in January; P1–P5 mark it achieved in March, P6 drops it: 5 of 10 attained.
 * P11 achieved a goal in 2025 only (outside the window).
 */
const PEOPLE: [number, number][] = [
  [20, 12], [18, 10], [15, 9], [14, 9], [12, 8], [10, 9], [10, 12], [9, 3], [8, 8], [22, 15], [16, 16], [6, 2],
];

let t: TestApp;
let riverside: string;
let commissioner: Staff;
let riversideSystem: Client;
let hillsideWorker: Staff;
let otherOrgWorker: Staff;
const P: Citizen[] = [];
const aggregateGrants: string[] = [];
const X: Citizen[] = [];

async function query(body: Record<string, unknown>, who: { token: string } = commissioner) {
  return t.app.inject({ method: 'POST', url: '/v1/outcomes/query', headers: bearer(who.token), payload: body });
}

async function lastLog(c: Citizen) {
  return (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=1', headers: bearer(c.token) })).json().items[0];
}

async function appendAs(worker: Staff, person: Citizen, body: Record<string, unknown>) {
  const res = await t.app.inject({ method: 'POST', url: `/v1/subjects/${person.subjectId}/records`, headers: bearer(worker.token), payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function aggregateTerms(organisationId: string, extra: Record<string, unknown> = {}) {
  return { grantee: { organisationId }, access: 'aggregate' as const, purpose: 'outcome-reporting', categories: ['mental-wellbeing', 'goals'], ...extra };
}

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  riverside = await createOrganisation(t.app, admin, 'other', 'Riverside commissioning');
  const hillside = await createOrganisation(t.app, admin, 'social-prescribing', 'Hillside');
  commissioner = await createPractitioner(t.app, admin, riverside, 'other');
  riversideSystem = await createClient(t, admin, riverside);
  hillsideWorker = await createPractitioner(t.app, admin, hillside, 'link-worker');
  otherOrgWorker = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'other');

  for (const [i, [jan, mar]] of PEOPLE.entries()) {
    const p = await signUpCitizen(t.app);
    P.push(p);
    aggregateGrants.push((await grant(t.app, p, aggregateTerms(riverside) as never)).id);
    if (i < 8) {
      await grant(t.app, p, { grantee: { organisationId: hillside }, access: 'append', categories: ['mental-wellbeing', 'goals'], members: 'practitioners' });
      await appendAs(hillsideWorker, p, phq9(jan, '2026-01-10T10:00:00Z'));
      await appendAs(hillsideWorker, p, phq9(mar, '2026-03-10T10:00:00Z'));
    } else {
      await addRecord(t.app, p, phq9(jan, '2026-01-10T10:00:00Z'));
      await addRecord(t.app, p, phq9(mar, '2026-03-10T10:00:00Z'));
    }
    if (i < 10) {
      const goal = await addRecord(t.app, p, { type: 'goal', effectiveAt: '2026-01-12T10:00:00Z', text: `Goal of P${i + 1}`, progress: 2 });
      if (i < 5) await addRecord(t.app, p, { type: 'goal', effectiveAt: '2026-03-12T10:00:00Z', goalId: goal.id, progress: 10, status: 'achieved' });
      if (i === 5) await addRecord(t.app, p, { type: 'goal', effectiveAt: '2026-03-12T10:00:00Z', goalId: goal.id, status: 'dropped' });
    }
    if (i === 10) await addRecord(t.app, p, { type: 'goal', effectiveAt: '2025-06-12T10:00:00Z', text: 'Last year', progress: 10, status: 'achieved' });
  }

  // X1: a read grant to Riverside, no aggregate consent. X2: consent revoked. X3: consent to another
  // organisation. X4: consent naming GAD-7 only. Each has PHQ-9 records in the window that must not count.
  for (let i = 0; i < 4; i++) {
    const x = await signUpCitizen(t.app);
    X.push(x);
    await addRecord(t.app, x, phq9(24 - i, '2026-01-10T10:00:00Z'));
    await addRecord(t.app, x, phq9(0, '2026-03-10T10:00:00Z'));
  }
  await grant(t.app, X[0]!, { grantee: { organisationId: riverside }, categories: ['mental-wellbeing'] });
  const revoked = await grant(t.app, X[1]!, aggregateTerms(riverside) as never);
  await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${revoked.id}`, headers: bearer(X[1]!.token) });
  await grant(t.app, X[2]!, aggregateTerms((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(otherOrgWorker.token) })).json().organisationId) as never);
  await grant(t.app, X[3]!, aggregateTerms(riverside, { categories: ['mental-wellbeing'], types: ['gad7'] }) as never);
}, 120_000);
afterAll(() => t.close());

const Q1 = { from: '2026-01', to: '2026-03' };

describe('outcome-reporting consent', () => {
  it('is a grant with a receipt naming aggregate access, to an organisation, with members all by default', async () => {
    const p = P[0]!;
    const g = (await t.app.inject({ method: 'GET', url: `/v1/me/grants/${aggregateGrants[0]}`, headers: bearer(p.token) })).json();
    expect(g).toMatchObject({ access: 'aggregate', purpose: 'outcome-reporting', members: 'all', status: 'active', grantee: { organisationId: riverside } });
    expect(decodeJwt(g.receipt)).toMatchObject({ access: 'aggregate', purpose: 'outcome-reporting', members: 'all', grantId: g.id });
  });

  it('under it no record is readable: the person is a 404 to the organisation, as if unknown, and not in its caseload', async () => {
    for (const url of [`/v1/subjects/${P[0]!.subjectId}/records`, `/v1/subjects/${P[0]!.subjectId}/trends?type=phq9`, `/v1/subjects/${P[0]!.subjectId}/watches`]) {
      for (const who of [commissioner, riversideSystem]) {
        const res = await t.app.inject({ method: 'GET', url, headers: bearer(who.token) });
        expect(res.statusCode, url).toBe(404);
      }
    }
    const watch = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${P[0]!.subjectId}/watches`,
      headers: bearer(commissioner.token),
      payload: { type: 'phq9', field: 'score', op: 'ge', threshold: 20 },
    });
    expect(watch.statusCode).toBe(404);
    const caseload = (await t.app.inject({ method: 'GET', url: '/v1/grants?limit=500', headers: bearer(commissioner.token) })).json().items;
    expect(caseload.filter((g: { access: string }) => g.access === 'aggregate')).toEqual([]);
  });

  it('must be aggregate access with the outcome-reporting purpose, to an organisation', async () => {
    const p = P[11]!;
    const post = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/v1/me/grants', headers: bearer(p.token), payload });
    const field = async (payload: Record<string, unknown>) => (await post(payload)).json().errors?.[0]?.field;
    expect(await field({ ...aggregateTerms(riverside), purpose: 'direct-care' })).toBe('purpose');
    expect(await field({ ...aggregateTerms(riverside), access: 'read' })).toBe('access');
    expect(await field({ ...aggregateTerms(riverside), grantee: { accountId: commissioner.accountId } })).toBe('grantee.accountId');
    const request = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/access-requests`,
      headers: bearer(commissioner.token),
      payload: { access: 'aggregate', categories: ['mental-wellbeing'], purpose: 'outcome-reporting' },
    });
    expect(request.statusCode).toBe(400);
  });
});

describe('aggregates over the fixture population, by hand', () => {
  it('count: 12 people (shown 10) and 24 records (shown 25); X1–X4 never count', async () => {
    const res = await query({ type: 'phq9', measure: 'count', ...Q1 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ type: 'phq9', measure: 'count', from: '2026-01', to: '2026-03', groupBy: [] });
    expect(res.json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: 25 }]);
    expect(res.json().total).toEqual({ n: 10, value: 25 });
  });

  it('mean of each person’s latest score: 113 / 12 = 9.42', async () => {
    expect((await query({ type: 'phq9', measure: 'mean', ...Q1 })).json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: 9.42 }]);
  });

  it('mean by month: January 13.33, February nobody (0), March 9.42; the total from the shown cells', async () => {
    const body = (await query({ type: 'phq9', measure: 'mean', groupBy: ['month'], ...Q1 })).json();
    expect(body.cells).toEqual([
      { group: { month: '2026-01' }, n: 10, suppressed: false, value: 13.33 },
      { group: { month: '2026-02' }, n: 0, suppressed: false, value: null },
      { group: { month: '2026-03' }, n: 10, suppressed: false, value: 9.42 },
    ]);
    expect(body.total).toEqual({ n: 20, value: 11.38 });
  });

  it('change from first to latest: −47 / 12 = −3.92', async () => {
    expect((await query({ type: 'phq9', measure: 'change', ...Q1 })).json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: -3.92 }]);
  });

  it('meaningful change: 6 of 12 improved by 5 points or more (0.5), with the source of the threshold', async () => {
    const body = (await query({ type: 'phq9', measure: 'meaningful-change', ...Q1 })).json();
    expect(body.cells).toEqual([{ group: {}, n: 10, suppressed: false, value: 0.5 }]);
    expect(body.meaningfulChange).toMatchObject({ threshold: 5, improvement: 'decrease' });
    expect(body.meaningfulChange.source).toMatch(/Löwe/);
  });

  it('change by starting band: every band has fewer than 8 people, so every cell is suppressed and the total is 0', async () => {
    // Starting bands: severe P1 P10 (2), moderately severe P2 P3 P11 (3), moderate P4–P7 (4), mild P8 P9 P12 (3), minimal none.
    const body = (await query({ type: 'phq9', measure: 'change', groupBy: ['band'], ...Q1 })).json();
    expect(body.cells).toEqual([
      { group: { band: 'minimal' }, n: 0, suppressed: false, value: null },
      { group: { band: 'mild' }, n: null, suppressed: true, value: null },
      { group: { band: 'moderate' }, n: null, suppressed: true, value: null },
      { group: { band: 'moderately-severe' }, n: null, suppressed: true, value: null },
      { group: { band: 'severe' }, n: null, suppressed: true, value: null },
    ]);
    expect(body.total).toEqual({ n: 0, value: null });
    expect(body.disclosureControl).toMatchObject({ minimumCell: 8, rounding: 5, suppressedCells: 4 });
  });

  it('change by source organisation: Hillside’s 8 people −36 / 8 = −4.5; the 4 self-recorders suppressed', async () => {
    const body = (await query({ type: 'phq9', measure: 'change', groupBy: ['source-organisation'], ...Q1 })).json();
    const hillsideId = (await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(hillsideWorker.token) })).json().organisationId;
    expect(body.cells).toEqual(
      expect.arrayContaining([
        { group: { sourceOrganisationId: hillsideId }, n: 10, suppressed: false, value: -4.5 },
        { group: { sourceOrganisationId: null }, n: null, suppressed: true, value: null },
      ]),
    );
    expect(body.cells).toHaveLength(2);
    expect(body.total).toEqual({ n: 10, value: -4.5 });
  });

  it('goal attainment: 5 of the 10 people with a goal in the window achieved one (0.5)', async () => {
    const res = await query({ type: 'goal', measure: 'goal-attainment', ...Q1 });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: 0.5 }]);
  });

  it('the organisation’s client system gets the same answer (consent reaches all members)', async () => {
    expect((await query({ type: 'phq9', measure: 'change', ...Q1 }, riversideSystem)).json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: -3.92 }]);
  });

  it('another organisation counts nobody', async () => {
    const body = (await query({ type: 'phq9', measure: 'count', ...Q1 }, otherOrgWorker)).json();
    expect(body.cells).toEqual([{ group: {}, n: null, suppressed: true, value: null }]);
  });
});

describe('the people counted are told', () => {
  it('each counted person gets one outcomes.query entry naming the organisation and the records used; others none', async () => {
    const before = await Promise.all([...P, ...X].map(lastLog));
    await query({ type: 'phq9', measure: 'change', groupBy: ['month'], ...Q1 });
    const after = await Promise.all([...P, ...X].map(lastLog));
    P.forEach((_, i) => {
      const entry = after[i];
      expect(entry.seq).toBe(before[i].seq + 1);
      expect(entry).toMatchObject({
        action: 'outcomes.query',
        actor: { accountId: commissioner.accountId, organisationId: riverside, kind: 'practitioner' },
        grantIds: [aggregateGrants[i]],
        query: { organisationId: riverside, type: 'phq9', measure: 'change', from: '2026-01', to: '2026-03', groupBy: ['month'] },
      });
      expect(entry.recordIds).toHaveLength(2);
    });
    X.forEach((_, j) => expect(after[P.length + j].seq).toBe(before[P.length + j].seq));
  });

  it('revoking consent takes the person out of the next answer', async () => {
    const p = P[11]!;
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${aggregateGrants[11]}`, headers: bearer(p.token) });
    const before = (await lastLog(p)).seq;
    // 11 people, change sum −43 → −3.91; P12 (6→2) is gone.
    expect((await query({ type: 'phq9', measure: 'change', ...Q1 })).json().cells).toEqual([{ group: {}, n: 10, suppressed: false, value: -3.91 }]);
    expect((await lastLog(p)).seq).toBe(before);
    aggregateGrants[11] = (await grant(t.app, p, aggregateTerms(riverside) as never)).id;
  });
});

describe('what a query may ask (differencing defences)', () => {
  const field = async (body: Record<string, unknown>) => {
    const res = await query({ type: 'phq9', measure: 'count', ...body });
    expect(res.statusCode, res.body).toBe(400);
    return res.json().errors[0].field;
  };

  it('no arbitrary instants: only whole months', async () => {
    expect(await field({ from: '2026-01-01', to: '2026-03-31' })).toBe('from');
    expect(await field({ from: '2026-01-01T00:00:00Z', to: '2026-03-30T23:59:59Z' })).toBe('from');
  });

  it('only aligned months, quarters, halves and years: no window that overlaps another by all but one month', async () => {
    expect(await field({ from: '2026-02', to: '2026-04' })).toBe('from');
    expect(await field({ from: '2026-01', to: '2026-02' })).toBe('from');
    expect(await field({ from: '2026-03', to: '2026-08' })).toBe('from');
    expect(await field({ from: '2026-01', to: '2027-01' })).toBe('from');
    expect(await field({ from: '2026-03', to: '2026-01' })).toBe('to');
    expect(await field({ from: '2026-01' })).toBe('to');
    for (const ok of [{ from: '2026-02', to: '2026-02' }, { from: '2026-04', to: '2026-06' }, { from: '2026-01', to: '2026-06' }, { from: '2025-01', to: '2025-12' }]) {
      expect((await query({ type: 'phq9', measure: 'count', ...ok })).statusCode, JSON.stringify(ok)).toBe(200);
    }
  });

  it('only months that have ended, so a window’s answer cannot be watched filling up', async () => {
    const now = new Date(t.clock.now());
    const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    expect(await field({ from: thisMonth, to: thisMonth })).toBe('to');
  });

  it('without a window: the last complete quarter', async () => {
    const now = new Date(t.clock.now());
    const q = Math.floor(now.getUTCMonth() / 3);
    const year = q === 0 ? now.getUTCFullYear() - 1 : now.getUTCFullYear();
    const first = q === 0 ? 9 : (q - 1) * 3;
    const body = (await query({ type: 'phq9', measure: 'count' })).json();
    expect(body.from).toBe(`${year}-${String(first + 1).padStart(2, '0')}`);
    expect(body.to).toBe(`${year}-${String(first + 3).padStart(2, '0')}`);
  });

  it('a person cannot be singled out by comparing a cohort with and without them: 12 and 11 people publish the same n', async () => {
    // The attacker's pair: all twelve, then all but P12 (P12 revoked meanwhile). n stays 10 both times; only a mean
    // over at least 8 people moves, which is what aggregate consent allows (docs/outcomes.md).
    const all = (await query({ type: 'phq9', measure: 'count', ...Q1 })).json();
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${aggregateGrants[11]}`, headers: bearer(P[11]!.token) });
    const without = (await query({ type: 'phq9', measure: 'count', ...Q1 })).json();
    expect(all.cells[0].n).toBe(without.cells[0].n);
    expect(all.total.n).toBe(without.total.n);
    aggregateGrants[11] = (await grant(t.app, P[11]!, aggregateTerms(riverside) as never)).id;
  });

  it('measures and groupings that do not fit the type are 400s naming the field', async () => {
    const bad = async (body: Record<string, unknown>) => (await query({ ...Q1, ...body })).json().errors?.[0]?.field;
    expect(await bad({ type: 'ucla3', measure: 'meaningful-change' })).toBe('measure');
    expect(await bad({ type: 'phq9', measure: 'goal-attainment' })).toBe('measure');
    expect(await bad({ type: 'goal', measure: 'goal-attainment', groupBy: ['band'] })).toBe('groupBy');
    expect(await bad({ type: 'wemwbs', measure: 'count', groupBy: ['band'] })).toBe('groupBy');
    expect(await bad({ type: 'ons4', measure: 'mean' })).toBe('item');
    expect(await bad({ type: 'note', measure: 'mean' })).toBe('type');
    expect(await bad({ type: 'nope', measure: 'count' })).toBe('type');
    expect(await bad({ type: 'phq9', measure: 'median' })).toBe('measure');
    expect(await bad({ type: 'phq9', measure: 'count', groupBy: ['subject'] })).toBe('groupBy.0');
    expect(await bad({ type: 'phq9', measure: 'count', subjectId: P[0]!.subjectId })).toBe('subjectId');
  });

  it('citizens and operators may not query', async () => {
    expect((await query({ type: 'phq9', measure: 'count', ...Q1 }, P[0]!)).statusCode).toBe(403);
  });
});
