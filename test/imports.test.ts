import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { clientAssertion, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './helpers/consent.js';

/*
 * Imports (docs/imports.md): FHIR R4 Bundles, Open mHealth data points and CSV from
 * test/fixtures/imports, into the person's own store and under an append grant. All or
 * nothing, errors naming the entry, the same content twice adding nothing, large imports as a
 * job with progress.
 */

type Json = Record<string, unknown>;
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'imports');
const fixture = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

let t: TestApp;
let alex: Citizen;
let admin: Staff;
let org: string;
let nurse: Staff;
let stranger: Staff;
let client: Client;

async function post(who: { token: string }, url: string, body: string, type: string) {
  return t.app.inject({ method: 'POST', url, headers: { ...bearer(who.token), 'content-type': type }, payload: body });
}

async function records(c: Citizen): Promise<Json[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/me/records?limit=500', headers: bearer(c.token) });
  return res.json().items as Json[];
}

/** Polls an import until it is no longer running (bounded: 60 s). */
async function settle(who: { token: string }, location: string): Promise<Json> {
  const until = Date.now() + 60_000;
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: location, headers: bearer(who.token) });
    expect(res.statusCode, res.body).toBe(200);
    if (res.json().status !== 'running' || Date.now() > until) return res.json();
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  alex = await signUpCitizen(t.app);
  admin = await createAdmin(t);
  org = await createOrganisation(t.app, admin);
  nurse = await createPractitioner(t.app, admin, org, 'nurse');
  stranger = await createPractitioner(t.app, admin, org, 'gp');
  client = await createClient(t, admin, org);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('FHIR R4 Bundles', () => {
  it('a GP system’s Bundle: Observations by LOINC code and unit, the PHQ-9 from its answers, the Goal; Patient and the derived score left out', async () => {
    const res = await post(alex, '/v1/me/imports', fixture('gp-bundle.fhir.json'), 'application/fhir+json');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(`/v1/me/imports/${res.json().id}`);
    expect(res.json()).toMatchObject({ status: 'completed', format: 'fhir', total: 6, processed: 8, added: 6, skipped: 2 });
    const byType = new Map((await records(alex)).map((r) => [r.type as string, r]));
    // Heart rate is a dense measure: its readings are a day's series item (docs/performance.md).
    expect(byType.get('heart-rate')).toMatchObject({ unit: '/min', effectiveAt: '2026-03-02T09:15:00.000Z', series: { count: 1, offsets: [0], values: [72] } });
    expect(byType.get('blood-pressure')).toMatchObject({ systolic: 134, diastolic: 86, unit: 'mm[Hg]' });
    expect(byType.get('weight')).toMatchObject({ unit: 'kg', entered: { value: 165, unit: '[lb_av]' } });
    expect((byType.get('weight')!.value as number).toFixed(2)).toBe('74.84');
    expect(byType.get('blood-glucose')).toMatchObject({ unit: 'mmol/L', effectiveAt: '2026-03-03T07:05:00.000Z' });
    expect(byType.get('phq9')).toMatchObject({ score: 8, band: 'mild', answers: [1, 2, 1, 2, 0, 1, 1, 0, 0] });
    expect(byType.get('goal')).toMatchObject({ text: 'Walk to the allotment twice a week', effectiveAt: '2026-03-05T00:00:00.000Z' });
    const again = await post(alex, '/v1/me/imports', fixture('gp-bundle.fhir.json'), 'application/fhir+json');
    expect(again.statusCode).toBe(201);
    expect(again.json()).toMatchObject({ added: 0, skipped: 8 });
    expect(await records(alex)).toHaveLength(6);
  });

  it('what cannot be mapped is refused naming each entry, and nothing is stored', async () => {
    const before = (await records(alex)).length;
    const res = await post(alex, '/v1/me/imports', fixture('unmappable-bundle.fhir.json'), 'application/fhir+json');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const errors = res.json().errors as { field: string; detail: string }[];
    expect(errors.map((e) => e.field)).toEqual(['entry.1.resource', 'entry.2.resource']);
    expect(errors[0]!.detail).toMatch(/Observation\/cholesterol: code \(http:\/\/loinc.org\|2093-3\) maps to no catalogue type/);
    expect(errors[1]!.detail).toMatch(/MedicationStatement/);
    expect(await records(alex)).toHaveLength(before);
  });

  it('a unit that does not convert is refused naming the entry and the field', async () => {
    const bundle = JSON.parse(fixture('unmappable-bundle.fhir.json')) as { entry: unknown[] };
    bundle.entry = [bundle.entry[0], bundle.entry[3]];
    const res = await post(alex, '/v1/me/imports', JSON.stringify(bundle), 'application/fhir+json');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toEqual(['entry.1.resource.unit']);
  });

  it('a Bundle about two people is refused: an import goes into one store', async () => {
    const obs = (subject: string, at: string) => ({
      resource: { resourceType: 'Observation', status: 'final', subject: { reference: subject }, code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, effectiveDateTime: at, valueQuantity: { value: 60, code: '/min' } },
    });
    const res = await post(alex, '/v1/me/imports', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [obs('Patient/a', '2026-01-01T00:00:00Z'), obs('Patient/b', '2026-01-02T00:00:00Z')] }), 'application/fhir+json');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('entry.1.resource.subject');
  });
});

describe('Open mHealth and CSV', () => {
  it('Open mHealth data points: steps (2.0 and 1.0), heart rate, sleep in minutes, a walk; the same file again adds nothing', async () => {
    const sam = await signUpCitizen(t.app);
    const res = await post(sam, '/v1/me/imports', fixture('omh-datapoints.json'), 'application/json');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'omh', added: 5, skipped: 0 });
    const all = await records(sam);
    const steps = all.filter((r) => r.type === 'steps').map((r) => [r.value, r.effectiveAt]);
    expect(steps).toEqual([
      [10230, '2026-03-03T00:00:00.000Z'],
      [8412, '2026-03-02T00:00:00.000Z'],
    ]);
    expect(all.find((r) => r.type === 'heart-rate')).toMatchObject({ unit: '/min', series: { values: [58] } });
    expect(all.find((r) => r.type === 'sleep-duration')).toMatchObject({ value: 7.25, unit: 'h' });
    expect(all.find((r) => r.type === 'physical-activity')).toMatchObject({ value: 45, unit: 'min', category: 'healthy-living', detail: { activity: 'walking', intensity: 'moderate' } });
    const again = await post(sam, '/v1/me/imports', fixture('omh-datapoints.json'), 'application/json');
    expect(again.json()).toMatchObject({ added: 0, skipped: 5 });
  });

  it('an unknown schema is refused naming the data point', async () => {
    const points = JSON.parse(fixture('omh-datapoints.json')) as Json[];
    (points[2]!.header as Json).schema_id = { namespace: 'omh', name: 'blood-oxygen', version: '1.0' };
    const res = await post(alex, '/v1/me/imports', JSON.stringify(points), 'application/json');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: '2.header.schema_id.name' })]);
  });

  it('CSV with documented columns, quoted text and answers; a bad cell is refused naming row and column', async () => {
    const kim = await signUpCitizen(t.app);
    const res = await post(kim, '/v1/me/imports', fixture('readings.csv'), 'text/csv');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ format: 'csv', added: 6 });
    const all = await records(kim);
    expect(all.find((r) => r.type === 'gad7')).toMatchObject({ score: 6, band: 'mild' });
    expect(all.find((r) => r.type === 'goal')).toMatchObject({ text: 'Swim once a week, with my sister', progress: 2 });
    expect(all.find((r) => r.type === 'note')).toMatchObject({ text: 'A good day; "small steps"' });
    const bad = await post(kim, '/v1/me/imports', 'type,effectiveAt,value\nheart-rate,2026-03-07T08:00:00Z,64\nheart-rate,2026-03-07T09:00:00Z,fast\n', 'text/csv');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ field: 'rows.2.value' })]);
    const column = await post(kim, '/v1/me/imports', 'type,effectiveAt,mood\nnote,2026-03-07T08:00:00Z,ok\n', 'text/csv');
    expect(column.json().errors).toEqual([expect.objectContaining({ field: 'header.2' })]);
    expect(await records(kim)).toHaveLength(6);
  });

  it('CSV and FHIR JSON bodies are only for imports: elsewhere they stay a 415', async () => {
    const res = await post(alex, '/v1/me/records', 'type,effectiveAt\n', 'text/csv');
    expect(res.statusCode).toBe(415);
    expect((await post(alex, '/v1/me/records', '{}', 'application/fhir+json')).statusCode).toBe(415);
  });
});

describe('supporters import under an append grant', () => {
  it('inside the grant: 201, one records.append entry naming the import; outside: 403 naming the entry; no grant: 404', async () => {
    const lee = await signUpCitizen(t.app);
    const url = `/v1/subjects/${lee.subjectId}/imports`;
    expect((await post(nurse, url, fixture('omh-datapoints.json'), 'application/json')).statusCode).toBe(404);
    await grant(t.app, lee, { grantee: { accountId: nurse.accountId }, access: 'append', categories: ['healthy-living', 'health-status'] });
    const res = await post(nurse, url, fixture('omh-datapoints.json'), 'application/json');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ added: 5 });
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=1', headers: bearer(lee.token) })).json().items[0];
    expect(log).toMatchObject({ action: 'records.append', actor: { accountId: nurse.accountId }, query: { import: res.json().id, format: 'omh', count: 5 } });
    expect(log.recordIds).toHaveLength(5);
    const status = await t.app.inject({ method: 'GET', url: `${url}/${res.json().id}`, headers: bearer(nurse.token) });
    expect(status.json()).toMatchObject({ status: 'completed', added: 5 });
    // Someone else's import is not theirs to see.
    expect((await t.app.inject({ method: 'GET', url: `${url}/${res.json().id}`, headers: bearer(stranger.token) })).statusCode).toBe(404);

    const outside = await post(nurse, url, fixture('gp-bundle.fhir.json'), 'application/fhir+json');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().detail).toMatch(/^entry\.5\.resource \(category "mental-wellbeing", type "phq9"\) is outside every append grant/);
    const points = JSON.parse(fixture('omh-datapoints.json')) as Json[];
    ((points[2]!.body as Json).effective_time_frame as Json).date_time = '2026-03-09T07:30:00Z';
    const onlyOne = await post(nurse, url, JSON.stringify([points[2]]), 'application/json');
    expect(onlyOne.json()).toMatchObject({ added: 1 });
  });

  it('a supporter’s import is compared with its own imports only: what else the store holds stays unseen', async () => {
    const ro = await signUpCitizen(t.app);
    await grant(t.app, ro, { grantee: { accountId: nurse.accountId }, access: 'append', categories: ['healthy-living', 'health-status'] });
    expect((await post(ro, '/v1/me/imports', fixture('omh-datapoints.json'), 'application/json')).json()).toMatchObject({ added: 5 });
    const res = await post(nurse, `/v1/subjects/${ro.subjectId}/imports`, fixture('omh-datapoints.json'), 'application/json');
    expect(res.json()).toMatchObject({ added: 5, skipped: 0 });
    // Outside the grant, even content the person already holds is refused, not skipped.
    const bundle = await post(ro, '/v1/me/imports', fixture('gp-bundle.fhir.json'), 'application/fhir+json');
    expect(bundle.statusCode).toBe(201);
    expect((await post(nurse, `/v1/subjects/${ro.subjectId}/imports`, fixture('gp-bundle.fhir.json'), 'application/fhir+json')).statusCode).toBe(403);
  });

  it('a client’s import needs a create scope for what it imports', async () => {
    const lee = await signUpCitizen(t.app);
    await grant(t.app, lee, { grantee: { organisationId: org }, members: 'clients', access: 'append', categories: ['healthy-living', 'health-status'] });
    const url = `/v1/subjects/${lee.subjectId}/imports`;
    const token = async (scope: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/token',
          payload: {
            grant_type: 'client_credentials',
            scope,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: await clientAssertion(client, `${t.config.publicUrl}/v1/token`),
          },
        })
      ).json().access_token as string;
    const readOnly = await post({ token: await token('system/Observation.rs') }, url, fixture('omh-datapoints.json'), 'application/json');
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.json().detail).toMatch(/^data point 0 \(type "steps"\) is outside this token's SMART scopes/);
    const create = await post({ token: await token('system/Observation.c') }, url, fixture('omh-datapoints.json'), 'application/json');
    expect(create.statusCode, create.body).toBe(201);
    expect((await post(client, url, fixture('omh-datapoints.json'), 'application/json')).json()).toMatchObject({ added: 0, skipped: 5 });
  });
});

describe('large imports run as a job', () => {
  it('5,000 data points: 202 with Location, progress, then completed; the same again adds nothing', async () => {
    const mo = await signUpCitizen(t.app);
    const start = Date.UTC(2025, 0, 1);
    const points = Array.from({ length: 5_000 }, (_, i) => ({
      header: { uuid: `p-${i}`, schema_id: { namespace: 'omh', name: 'heart-rate', version: '2.0' }, creation_date_time: new Date(start + i * 60_000).toISOString() },
      body: { heart_rate: { value: 55 + (i % 40), unit: 'beats/min' }, effective_time_frame: { date_time: new Date(start + i * 60_000).toISOString() } },
    }));
    const res = await post(mo, '/v1/me/imports', JSON.stringify(points), 'application/json');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'running', total: 5_000 });
    const done = await settle(mo, res.headers.location as string);
    expect(done).toMatchObject({ status: 'completed', total: 5_000, processed: 5_000, added: 5_000, skipped: 0 });
    const count = await t.app.inject({ method: 'POST', url: '/v1/me/grants/preview', headers: bearer(mo.token), payload: { grantee: { accountId: nurse.accountId }, access: 'read', categories: ['health-status'], purpose: 'direct-care' } });
    expect(count.statusCode, count.body).toBe(200);
    expect(count.json().total).toBe(5_000);
    const again = await post(mo, '/v1/me/imports', JSON.stringify(points), 'application/json');
    expect((await settle(mo, again.headers.location as string)).skipped).toBe(5_000);
  });

  it('a large import with one bad entry fails whole: its status names the entry, nothing is stored', async () => {
    const jo = await signUpCitizen(t.app);
    const points = Array.from({ length: 1_500 }, (_, i) => ({
      header: { schema_id: { namespace: 'omh', name: 'step-count', version: '1.0' } },
      body: { step_count: i === 1_234 ? -5 : 1000 + i, effective_time_frame: { date_time: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString() } },
    }));
    const res = await post(jo, '/v1/me/imports', JSON.stringify(points), 'application/json');
    expect(res.statusCode).toBe(202);
    const done = await settle(jo, res.headers.location as string);
    expect(done).toMatchObject({ status: 'failed', added: 0, errors: [{ field: '1234.value', detail: expect.stringMatching(/between/) }] });
    expect(await records(jo)).toHaveLength(0);
  });
});
