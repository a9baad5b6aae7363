import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';
import { fhirProblems, loadFhirR4 } from './helpers/fhir.js';

/*
 * Dense series (docs/performance.md "Dense series"): imported heart rate goes into one sealed
 * chunk per person, writer and UTC day; `/v1` and FHIR reads serve a chunk as one item cut to
 * the read's window and the grant's, merged with ordinary records in list order.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely inside assertions
type Json = Record<string, any>;

let t: TestApp;
let admin: Staff;
let gp: Staff;
let coach: Staff;

const DAY1 = Date.UTC(2026, 2, 1);
const minute = (m: number) => new Date(DAY1 + m * 60_000).toISOString();

function omh(points: { m: number; value: number }[]) {
  return points.map((p) => ({
    header: { schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' } },
    body: { heart_rate: { value: p.value, unit: 'beats/min' }, effective_time_frame: { date_time: minute(p.m) } },
  }));
}

/** A Bundle of one heart-rate Observation with SampledData of a reading a minute. */
function sampledBundle(data: string, start: string, sd: Json = {}) {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          effectivePeriod: { start },
          valueSampledData: { origin: { value: 0, system: 'http://unitsofmeasure.org', code: '/min' }, period: 60_000, dimensions: 1, data, ...sd },
        },
      },
    ],
  } as Json;
}

async function importBody(who: Citizen, body: unknown, type = 'application/json'): Promise<Json> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/me/imports', headers: { ...bearer(who.token), 'content-type': type }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  expect([201, 202], res.body).toContain(res.statusCode);
  let status = res.json();
  const until = Date.now() + 60_000;
  while (status.status === 'running' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    status = (await t.app.inject({ method: 'GET', url: res.headers.location as string, headers: bearer(who.token) })).json();
  }
  return status;
}

async function get(token: string, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: bearer(token) });
  return { status: res.statusCode, body: res.json() as Json };
}

/** Two days of minute readings: 60 + (m mod 30). */
const twoDays = Array.from({ length: 2 * 1440 }, (_, m) => ({ m, value: 60 + (m % 30) }));

beforeAll(async () => {
  loadFhirR4();
  t = await buildTestApp();
  admin = await createAdmin(t);
  const org = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  coach = await createPractitioner(t.app, admin, org, 'coach');
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('imports into day chunks', () => {
  it('two days of minute heart rate are two items; windows cut inside a day; a record of the same type sits beside them', async () => {
    const p = await signUpCitizen(t.app);
    await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: minute(600) + '', value: 120 });
    expect(await importBody(p, omh(twoDays))).toMatchObject({ status: 'completed', added: 2880, skipped: 0 });
    const all = await get(p.token, '/v1/me/records?type=heart-rate');
    expect(all.status).toBe(200);
    const series = all.body.items.filter((i: Json) => i.series);
    expect(series.map((i: Json) => [i.effectiveAt, i.series.count])).toEqual([
      [minute(1440), 1440],
      [minute(0), 1440],
    ]);
    expect(series[1].series).toMatchObject({ start: minute(0), end: minute(1439), offsets: Array.from({ length: 1440 }, (_, k) => k * 60) });
    expect(series[1].series.values.slice(0, 3)).toEqual([60, 61, 62]);
    expect(series[1]).not.toHaveProperty('value');
    // The day's record is listed before that day's chunk (newest first; a chunk stands at its day's start).
    expect(all.body.items.map((i: Json) => (i.series ? 'chunk' : i.value))).toEqual(['chunk', 120, 'chunk']);
    // A window from 23:00 on day 1 to 01:00 on day 2 cuts both chunks.
    const cut = await get(p.token, `/v1/me/records?type=heart-rate&from=${minute(1380)}&to=${minute(1500)}`);
    expect(cut.body.items.map((i: Json) => [i.series.start, i.series.end, i.series.count])).toEqual([
      [minute(1440), minute(1500), 61],
      [minute(1380), minute(1439), 60],
    ]);
    // Paging by one: each chunk and the record once, in order.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await get(p.token, `/v1/me/records?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.body.items.map((i: Json) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((i: Json) => i.id));
    // By id, whole; the grant preview counts readings.
    const one = await get(p.token, `/v1/me/records/${series[0].id}`);
    expect(one.body.series.count).toBe(1440);
    const preview = await t.app.inject({
      method: 'POST',
      url: '/v1/me/grants/preview',
      headers: bearer(p.token),
      payload: { grantee: { accountId: gp.accountId }, access: 'read', categories: ['health-status'], from: minute(1380), purpose: 'direct-care' },
    });
    expect(preview.json()).toMatchObject({ total: 60 + 1440 + 0, first: minute(1380), last: minute(2879) });
  });

  it('importing again merges: what the chunk holds is skipped, new minutes join it, a clash stays a record', async () => {
    const p = await signUpCitizen(t.app);
    const first = twoDays.slice(0, 100);
    expect(await importBody(p, omh(first))).toMatchObject({ added: 100, skipped: 0 });
    const again = [...first, { m: 100, value: 70 }, { m: 5, value: 99 }];
    expect(await importBody(p, omh(again))).toMatchObject({ status: 'completed', added: 2, skipped: 100 });
    const items = (await get(p.token, '/v1/me/records?type=heart-rate')).body.items;
    expect(items).toHaveLength(2);
    const chunk = items.find((i: Json) => i.series);
    expect(chunk.series.count).toBe(101);
    expect(chunk.series.values[100]).toBe(70);
    // Minute 5 already held 65: the other value is kept, as an ordinary record.
    expect(items.find((i: Json) => !i.series)).toMatchObject({ value: 99, effectiveAt: minute(5) });
    // A fraction of a second cannot go into a chunk either: a record, nothing rounded.
    const odd = omh([{ m: 200, value: 80 }]);
    odd[0]!.body.effective_time_frame.date_time = new Date(DAY1 + 200 * 60_000 + 500).toISOString();
    expect(await importBody(p, odd)).toMatchObject({ added: 1 });
    expect((await get(p.token, '/v1/me/records?type=heart-rate')).body.items.filter((i: Json) => !i.series)).toHaveLength(2);
  });

  it('FHIR valueSampledData imports into chunks and reads back as the same SampledData, valid R4', async () => {
    const p = await signUpCitizen(t.app);
    const data = Array.from({ length: 120 }, (_, k) => (k % 10 === 9 ? 'E' : String(50 + k))).join(' ');
    const bundle = sampledBundle(data, minute(60));
    expect(await importBody(p, bundle, 'application/fhir+json')).toMatchObject({ status: 'completed', added: 108 });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['health-status'] });
    const search = await get(gp.token, `/fhir/r4/Observation?patient=${p.subjectId}`);
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    const obs = search.body.entry.map((e: Json) => e.resource);
    expect(obs).toHaveLength(1);
    expect(obs[0]).toMatchObject({ effectivePeriod: { start: minute(60), end: minute(178) }, valueSampledData: { period: 60_000, dimensions: 1, data: data.replace(/ E$/, '') } });
    expect(fhirProblems(obs[0])).toEqual([]);
    const read = await get(gp.token, `/fhir/r4/Observation/${obs[0].id}`);
    expect(read.body).toEqual(obs[0]);
    // Exported, then imported into another store: the same readings.
    const q = await signUpCitizen(t.app);
    expect(await importBody(q, { resourceType: 'Bundle', type: 'collection', entry: [{ resource: obs[0] }] }, 'application/fhir+json')).toMatchObject({ added: 108 });
    const copy = (await get(q.token, '/v1/me/records')).body.items[0];
    const original = (await get(p.token, '/v1/me/records')).body.items[0];
    expect(copy.series).toEqual(original.series);
  });
});

describe('grants over chunks', () => {
  it('a supporter sees only the readings inside the grant window, logged by chunk; a delete takes the day', async () => {
    const p = await signUpCitizen(t.app);
    await importBody(p, omh(twoDays));
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['health-status'], types: ['heart-rate'], from: minute(720), to: minute(1500) });
    const slice = await get(gp.token, `/v1/subjects/${p.subjectId}/records`);
    expect(slice.status).toBe(200);
    expect(slice.body.items.map((i: Json) => [i.series.start, i.series.end, i.series.count])).toEqual([
      [minute(1440), minute(1500), 61],
      [minute(720), minute(1439), 720],
    ]);
    // A query wider than the grant is still cut to it.
    const wide = await get(gp.token, `/v1/subjects/${p.subjectId}/records?from=${minute(0)}`);
    expect(wide.body.items.map((i: Json) => i.series.count)).toEqual([61, 720]);
    // By id through FHIR, cut the same way; a person with no grant: 404.
    const byId = await get(gp.token, `/fhir/r4/Observation/${slice.body.items[0].id}`);
    expect(byId.body.effectivePeriod).toEqual({ start: minute(1440), end: minute(1500) });
    expect((await get(coach.token, `/v1/subjects/${p.subjectId}/records`)).status).toBe(404);
    const log = (await get(p.token, '/v1/me/access-log?limit=5')).body.items;
    expect(log.find((e: Json) => e.action === 'records.read')?.recordIds.sort()).toEqual(slice.body.items.map((i: Json) => i.id).sort());
    // The person deletes day 2: the supporter's next read has day 1 only.
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${slice.body.items[0].id}`, headers: bearer(p.token) });
    expect(del.statusCode).toBe(204);
    expect((await get(gp.token, `/v1/subjects/${p.subjectId}/records`)).body.items.map((i: Json) => i.series.count)).toEqual([720]);
    // A window with no reading in a chunk (between two readings) shows nothing of it.
    const sparse = await signUpCitizen(t.app);
    await importBody(sparse, omh([{ m: 0, value: 60 }, { m: 600, value: 61 }]));
    expect((await get(sparse.token, `/v1/me/records?from=${minute(1)}&to=${minute(599)}`)).body.items).toEqual([]);
  });

  it('a watch fires on an imported reading inside the grant, naming the chunk and the moment', async () => {
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: coach.accountId }, categories: ['health-status'], types: ['heart-rate'], from: minute(10) });
    const w = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/watches`,
      headers: bearer(coach.token),
      payload: { type: 'heart-rate', field: 'value', op: 'gt', threshold: 150 },
    });
    expect(w.statusCode, w.body).toBe(201);
    // Minute 5 is high but outside the window; minute 30 is inside.
    await importBody(p, omh([{ m: 5, value: 170 }, { m: 20, value: 80 }, { m: 30, value: 160 }]));
    const feed = (await get(coach.token, '/v1/alerts')).body.items.filter((a: Json) => a.watchId === w.json().id);
    expect(feed).toHaveLength(1);
    const chunk = (await get(p.token, '/v1/me/records')).body.items[0];
    expect(feed[0]).toMatchObject({ recordId: chunk.id, matched: { effectiveAt: minute(30) } });
  });
});

describe('checks', () => {
  it('SampledData errors name the reading; nothing of a failed import is stored; a supporter imports only inside its append grant', async () => {
    const p = await signUpCitizen(t.app);
    const obs = (data: string, extra: Json = {}) => sampledBundle(data, minute(0), extra);
    const post = (who: { token: string }, url: string, body: unknown) =>
      t.app.inject({ method: 'POST', url, headers: { ...bearer(who.token), 'content-type': 'application/fhir+json' }, payload: JSON.stringify(body) });
    const bad = await post(p, '/v1/me/imports', obs('60 61 fast'));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ field: 'entry.0.resource', detail: expect.stringMatching(/"fast".*not a decimal/) });
    const range = await post(p, '/v1/me/imports', obs('60 400 61 5'));
    expect(range.statusCode).toBe(400);
    expect(range.json().errors.map((e: Json) => e.field)).toEqual(['entry.0.resource.valueSampledData.data.1', 'entry.0.resource.valueSampledData.data.3']);
    expect((await post(p, '/v1/me/imports', obs('60', { dimensions: 2 }))).statusCode).toBe(400);
    // Errors name the slot, E and all; a period's end alone does not say where readings start.
    expect((await post(p, '/v1/me/imports', obs('60 E 400'))).json().errors.map((e: Json) => e.field)).toEqual(['entry.0.resource.valueSampledData.data.2']);
    const endOnly = obs('60');
    endOnly.entry[0].resource.effectivePeriod = { end: minute(10) };
    expect((await post(p, '/v1/me/imports', endOnly)).json().errors[0].detail).toMatch(/effectivePeriod\.start/);
    // A period that runs past the last date a moment can have: a 400, not a failure inside.
    expect((await post(p, '/v1/me/imports', obs('60 61 62', { period: 1e15 }))).statusCode).toBe(400);
    expect((await get(p.token, '/v1/me/records')).body.items).toEqual([]);

    // The GP may append from 01:00: a day from midnight is refused whole, naming the reading.
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['health-status'], from: minute(60) });
    const early = await post(gp, `/v1/subjects/${p.subjectId}/imports`, obs(Array.from({ length: 120 }, () => '70').join(' ')));
    expect(early.statusCode, early.body).toBe(403);
    expect(early.json().detail).toMatch(/valueSampledData\.data\.0/);
    const later = obs(Array.from({ length: 120 }, () => '70').join(' '));
    later.entry[0]!.resource.effectivePeriod.start = minute(60);
    const ok = await post(gp, `/v1/subjects/${p.subjectId}/imports`, later);
    expect(ok.json(), ok.body).toMatchObject({ status: 'completed', added: 120 });
    const mine = (await get(p.token, '/v1/me/records')).body.items;
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ source: { kind: 'practitioner', accountId: gp.accountId }, series: { count: 120 } });
    const log = (await get(p.token, '/v1/me/access-log?limit=3')).body.items.find((e: Json) => e.action === 'records.append');
    expect(log).toMatchObject({ recordIds: [mine[0].id], query: { count: 120 }, grantIds: [expect.any(String)] });
  });
});

describe('trends over chunks', () => {
  it('a day of readings is one trend point, its mean, beside the records; a supporter’s trend is cut to the grant', async () => {
    const p = await signUpCitizen(t.app);
    await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: minute(3000), value: 90 });
    await importBody(p, omh(twoDays));
    const own = (await get(p.token, '/v1/me/trends?type=heart-rate')).body;
    // 60 + (m mod 30) over whole days: a mean of 74.5 each day.
    expect(own.points.map((x: Json) => [x.at, x.score])).toEqual([
      [minute(0), 74.5],
      [minute(1440), 74.5],
      [minute(3000), 90],
    ]);
    const chunkIds = (await get(p.token, '/v1/me/records?type=heart-rate')).body.items.filter((i: Json) => i.series).map((i: Json) => i.id);
    expect(own.points.slice(0, 2).map((x: Json) => x.recordId).sort()).toEqual(chunkIds.sort());
    // From 00:00 to 00:09 of day 1 only: readings 60..69, mean 64.5.
    await grant(t.app, p, { grantee: { accountId: coach.accountId }, categories: ['health-status'], types: ['heart-rate'], to: minute(9) });
    const theirs = await get(coach.token, `/v1/subjects/${p.subjectId}/trends?type=heart-rate`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.points.map((x: Json) => [x.at, x.score])).toEqual([[minute(0), 64.5]]);
  });
});

describe('sizes', () => {
  it('a 3 Hz period keeps each reading to the millisecond: those off a whole second stay records', async () => {
    const p = await signUpCitizen(t.app);
    const status = await importBody(p, sampledBundle('60 61 62 63 64 65', minute(0), { period: 1000 / 3 }), 'application/fhir+json');
    expect(status).toMatchObject({ status: 'completed', added: 6 });
    const items = (await get(p.token, '/v1/me/records?type=heart-rate')).body.items;
    // Slots 0 and 3 fall on whole seconds (0 ms, 1000 ms): a chunk; the others (333, 667, 1333, 1667 ms) are records.
    expect(items.filter((i: Json) => i.series).map((i: Json) => i.series.values)).toEqual([[60, 63]]);
    expect(items.filter((i: Json) => !i.series).map((i: Json) => i.effectiveAt).sort()).toEqual(
      [333, 667, 1333, 1667].map((ms) => new Date(DAY1 + ms).toISOString()),
    );
  });

  it('a page holds at most 100,000 series readings: two days a second are two pages', async () => {
    const p = await signUpCitizen(t.app);
    const day = Array.from({ length: 86_400 }, (_, k) => String(60 + (k % 50))).join(' ');
    const bundle = sampledBundle(day, minute(0), { period: 1000 });
    bundle.entry.push({ resource: { ...bundle.entry[0].resource, effectivePeriod: { start: minute(1440) } } });
    expect(await importBody(p, bundle, 'application/fhir+json')).toMatchObject({ status: 'completed', added: 172_800 });
    const first = await get(p.token, '/v1/me/records?limit=50');
    expect(first.body.items.map((i: Json) => i.series.count)).toEqual([86_400]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(p.token, `/v1/me/records?limit=50&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items.map((i: Json) => i.series.start)).toEqual([minute(0)]);
    expect(second.body.nextCursor).toBeNull();
  });
});
