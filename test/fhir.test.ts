import { Client as FhirClient } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';
import { addRecord, clientAssertion, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './helpers/consent.js';
import { fhirProblems, loadFhirR4 } from './helpers/fhir.js';

/*
 * The FHIR R4 API (/fhir/r4): searches through the same grants, slice and access log as
 * /v1/subjects/{id}/records, driven by a FHIR client we did not write (fhir-kit-client) over a
 * real socket; OperationOutcome errors with the /v1 statuses; SMART scopes that only narrow.
 */

type Json = Record<string, unknown>;
interface Bundle {
  resourceType: 'Bundle';
  type: string;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: Json & { resourceType: string; id: string } }[];
}

let t: TestApp & { url: string };
let alex: Citizen;
let sam: Citizen;
let admin: Staff;
let org: string;
let gp: Staff;
let outsider: Staff;
let client: Client;
const recordIds = new Map<string, string>();

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 9)).toISOString();
const records: Json[] = [
  { type: 'phq9', effectiveAt: at(1), answers: [1, 1, 1, 1, 1, 1, 1, 1, 1] },
  { type: 'phq9', effectiveAt: at(5), answers: [0, 1, 0, 1, 0, 1, 0, 0, 0] },
  { type: 'gad7', effectiveAt: at(2), answers: [1, 1, 1, 1, 1, 1, 1] },
  { type: 'swemwbs', effectiveAt: at(3), answers: [3, 4, 3, 4, 3, 4, 3] },
  { type: 'heart-rate', effectiveAt: at(4), value: 64 },
  { type: 'heart-rate', effectiveAt: at(6), value: 70 },
  { type: 'blood-pressure', effectiveAt: at(7), systolic: 128, diastolic: 82 },
  { type: 'steps', effectiveAt: at(8), value: 9000 },
  { type: 'goal', effectiveAt: at(9), text: 'Walk to the allotment', progress: 3 },
  { type: 'note', effectiveAt: at(10), text: 'A quiet week' },
];

const fhir = (token?: string) => new FhirClient({ baseUrl: `${t.url}/fhir/r4`, ...(token ? { bearerToken: token } : {}) });

async function raw(token: string | null, path: string) {
  const res = await fetch(`${t.url}${path}`, { headers: token ? bearer(token) : {} });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Json };
}

async function logOf(c: Citizen): Promise<Json[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=50', headers: bearer(c.token) });
  return res.json().items as Json[];
}

async function scopedClientToken(scope: string) {
  return t.app.inject({
    method: 'POST',
    url: '/v1/token',
    payload: {
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(client, `${t.config.publicUrl}/v1/token`),
    },
  });
}

beforeAll(async () => {
  loadFhirR4();
  t = await buildListeningTestApp();
  alex = await signUpCitizen(t.app, undefined, 'Alex Example');
  sam = await signUpCitizen(t.app);
  admin = await createAdmin(t);
  org = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  outsider = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  client = await createClient(t, admin, org);
  for (const r of records) recordIds.set(`${r.type}@${r.effectiveAt}`, (await addRecord(t.app, alex, r)).id);
  await addRecord(t.app, sam, { type: 'heart-rate', effectiveAt: at(4), value: 80 });
  await grant(t.app, alex, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing', 'health-status', 'goals'] });
  await grant(t.app, alex, { grantee: { organisationId: org }, members: 'clients', categories: ['health-status', 'healthy-living'] });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('discovery', () => {
  it('metadata: a CapabilityStatement that validates, public, application/fhir+json', async () => {
    const res = await raw(null, '/fhir/r4/metadata');
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^application\/fhir\+json/);
    expect(res.body.resourceType).toBe('CapabilityStatement');
    expect(fhirProblems(res.body as Json & { resourceType: string })).toEqual([]);
    const cs = await fhir().capabilityStatement();
    expect(cs.fhirVersion).toBe('4.0.1');
  });

  it('SMART configuration at the root and under the FHIR base names the token endpoint and scopes', async () => {
    for (const path of ['/.well-known/smart-configuration', '/fhir/r4/.well-known/smart-configuration']) {
      const res = await raw(null, path);
      expect(res.status).toBe(200);
      expect(res.body.token_endpoint).toBe(`${t.url}/v1/token`);
      expect(res.body.scopes_supported).toContain('system/Observation.rs');
      expect(res.body.capabilities).toContain('permission-v2');
    }
    const meta = await fhir().smartAuthMetadata();
    expect(String(meta.tokenUrl)).toBe(`${t.url}/v1/token`);
  });
});

describe('searches through grants', () => {
  it('a practitioner searches Observations of a person: only the granted slice, every resource valid, logged as a records.read', async () => {
    const bundle = (await fhir(gp.token).search({ resourceType: 'Observation', searchParams: { patient: `Patient/${alex.subjectId}` } })) as unknown as Bundle;
    expect(bundle.type).toBe('searchset');
    const types = bundle.entry!.map((e) => (e.resource.code as { coding: { system: string; code: string }[] }).coding.find((c) => c.system.endsWith('/CodeSystem/record-type'))!.code);
    // mental-wellbeing, health-status, goals: no steps (healthy-living), no note; goals are Goals, not Observations.
    expect(types.sort()).toEqual(['blood-pressure', 'gad7', 'heart-rate', 'heart-rate', 'phq9', 'phq9', 'swemwbs']);
    for (const e of bundle.entry!) {
      expect(fhirProblems(e.resource)).toEqual([]);
      expect(e.resource.subject).toEqual({ reference: `Patient/${alex.subjectId}` });
      expect(e.fullUrl).toBe(`${t.url}/fhir/r4/Observation/${e.resource.id}`);
    }
    const [entry] = await logOf(alex);
    expect(entry).toMatchObject({ action: 'records.read', actor: { accountId: gp.accountId } });
    expect((entry!.recordIds as string[]).sort()).toEqual(bundle.entry!.map((e) => e.resource.id).sort());
    expect(entry!.query).toMatchObject({ resource: 'Observation', limit: 50, page: 'first' });
  });

  it('the same records as /v1/subjects/{id}/records, narrowed to the types that become Observations', async () => {
    const v1 = await t.app.inject({ method: 'GET', url: `/v1/subjects/${alex.subjectId}/records?limit=500`, headers: bearer(gp.token) });
    const expected = (v1.json().items as { id: string; type: string }[]).filter((r) => r.type !== 'goal').map((r) => r.id);
    const bundle = (await fhir(gp.token).search({ resourceType: 'Observation', searchParams: { patient: alex.subjectId } })) as unknown as Bundle;
    expect(bundle.entry!.map((e) => e.resource.id)).toEqual(expected);
  });

  it('paging: fhir-kit-client follows next links until the last page, newest first, nothing twice', async () => {
    const seen: string[] = [];
    let bundle = (await fhir(gp.token).search({ resourceType: 'Observation', searchParams: { patient: alex.subjectId, _count: 2 } })) as unknown as Bundle | undefined;
    let pages = 0;
    while (bundle) {
      pages += 1;
      seen.push(...(bundle.entry ?? []).map((e) => e.resource.id));
      expect(bundle.entry!.length).toBeLessThanOrEqual(2);
      bundle = (await fhir(gp.token).nextPage({ bundle } as never)) as unknown as Bundle | undefined;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(7);
    const dates = [];
    for (const id of seen) dates.push([...recordIds.entries()].find(([, v]) => v === id)![0].split('@')[1]);
    expect([...dates]).toEqual([...dates].sort().reverse());
  });

  it('code, category, date and _sort narrow the search', async () => {
    const search = async (params: Record<string, string | string[]>) => {
      const q = new URLSearchParams({ patient: alex.subjectId });
      for (const [k, v] of Object.entries(params)) for (const x of [v].flat()) q.append(k, x);
      const res = await raw(gp.token, `/fhir/r4/Observation?${q}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return ((res.body as unknown as Bundle).entry ?? []).map((e) => e.resource);
    };
    expect((await search({ code: 'http://loinc.org|8867-4' })).map((r) => (r.valueQuantity as Json).value)).toEqual([70, 64]);
    expect((await search({ code: '44261-6,70274-6' })).length).toBe(3);
    expect((await search({ code: 'http://snomed.info/sct|718466001' })).length).toBe(1);
    expect((await search({ category: 'vital-signs' })).length).toBe(3);
    expect((await search({ category: 'survey' })).length).toBe(4);
    expect((await search({ category: 'mental-wellbeing' })).length).toBe(4);
    expect((await search({ date: ['ge2026-03-04', 'lt2026-03-06'] })).map((r) => r.effectiveDateTime)).toEqual([at(5), at(4)]);
    expect((await search({ date: '2026-03-02' })).length).toBe(1);
    expect((await search({ date: 'eq2026-03' })).length).toBe(7);
    expect((await search({ _sort: 'date' })).map((r) => r.effectiveDateTime)).toEqual([at(1), at(2), at(3), at(4), at(5), at(6), at(7)]);
    expect(await search({ code: 'http://loinc.org|0000-0' })).toEqual([]);
  });

  it('QuestionnaireResponse and Goal searches serve the answers and the goals', async () => {
    const qr = (await fhir(gp.token).search({ resourceType: 'QuestionnaireResponse', searchParams: { patient: alex.subjectId } })) as unknown as Bundle;
    expect(qr.entry!.length).toBe(4);
    const goals = (await fhir(gp.token).search({ resourceType: 'Goal', searchParams: { patient: alex.subjectId } })) as unknown as Bundle;
    expect(goals.entry!.map((e) => (e.resource.description as Json).text)).toEqual(['Walk to the allotment']);
    for (const e of [...qr.entry!, ...goals.entry!]) expect(fhirProblems(e.resource)).toEqual([]);
  });

  it('a citizen reads themselves: Patient with their name, their own Observations, their grants as Consents', async () => {
    const patient = (await fhir(alex.token).read({ resourceType: 'Patient', id: alex.subjectId })) as Json;
    expect(patient.name).toEqual([{ text: 'Alex Example' }]);
    const own = (await fhir(alex.token).search({ resourceType: 'Observation', searchParams: {} })) as unknown as Bundle;
    expect(own.entry!.length).toBe(9);
    const consents = (await fhir(alex.token).search({ resourceType: 'Consent', searchParams: {} })) as unknown as Bundle;
    expect(consents.entry!.length).toBe(2);
    for (const e of [...own.entry!, ...consents.entry!, { resource: patient as Json & { resourceType: string } }]) expect(fhirProblems(e.resource)).toEqual([]);
  });

  it('a practitioner reads the Patient it holds a grant on without a name, and the read is logged', async () => {
    const p = (await fhir(gp.token).read({ resourceType: 'Patient', id: alex.subjectId })) as Json;
    expect(p).toMatchObject({ resourceType: 'Patient', id: alex.subjectId });
    expect(p.name).toBeUndefined();
    expect((await logOf(alex))[0]).toMatchObject({ action: 'records.read', query: { resource: 'Patient' }, recordIds: [] });
  });
});

describe('instance reads', () => {
  it('fhir-kit-client reads back each Observation a search found (its fullUrl), the same resource, each read logged', async () => {
    const client = fhir(gp.token);
    const bundle = (await client.search({ resourceType: 'Observation', searchParams: { patient: `Patient/${alex.subjectId}`, code: 'heart-rate,blood-pressure' } })) as unknown as Bundle;
    expect(bundle.entry!.length).toBe(3);
    for (const e of bundle.entry!) {
      const read = (await client.read({ resourceType: 'Observation', id: e.resource.id })) as unknown as Json;
      expect(read).toEqual(e.resource);
      expect(fhirProblems(read as Json & { resourceType: string })).toEqual([]);
      // The fullUrl itself answers with it.
      const byUrl = await fetch(e.fullUrl, { headers: bearer(gp.token) });
      expect(byUrl.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(await byUrl.json()).toEqual(e.resource);
      const [entry] = await logOf(alex);
      expect(entry).toMatchObject({ action: 'records.read', actor: { accountId: gp.accountId }, recordIds: [e.resource.id], query: { resource: 'Observation', read: e.resource.id } });
    }
  });

  it('a Goal reads back; the person reads their own; outside the grants, another person’s, a goal as an Observation or nothing at all is a 404 OperationOutcome', async () => {
    const goalId = recordIds.get(`goal@${at(9)}`)!;
    const goal = await raw(gp.token, `/fhir/r4/Goal/${goalId}`);
    expect(goal.status).toBe(200);
    expect(goal.body).toMatchObject({ resourceType: 'Goal', id: goalId, subject: { reference: `Patient/${alex.subjectId}` } });
    expect(fhirProblems(goal.body as Json & { resourceType: string })).toEqual([]);
    expect((await raw(alex.token, `/fhir/r4/Goal/${goalId}`)).body).toEqual(goal.body);
    const steps = recordIds.get(`steps@${at(8)}`)!;
    expect((await raw(alex.token, `/fhir/r4/Observation/${steps}`)).status).toBe(200);
    const before = (await logOf(alex)).length;
    for (const [who, path] of [
      [gp.token, `/fhir/r4/Observation/${steps}`], // healthy-living: not in the practitioner's grant
      [outsider.token, `/fhir/r4/Goal/${goalId}`], // no grant on the person at all
      [sam.token, `/fhir/r4/Goal/${goalId}`], // another citizen's
      [gp.token, `/fhir/r4/Observation/${goalId}`], // a goal is a Goal
      [gp.token, `/fhir/r4/Observation/${crypto.randomUUID()}`],
      [gp.token, '/fhir/r4/Observation/not-a-record'],
    ] as const) {
      const res = await raw(who, path);
      expect(res.status, path).toBe(404);
      expect(res.body.resourceType).toBe('OperationOutcome');
    }
    expect((await logOf(alex)).length, 'refused reads write no entry').toBe(before);
  });

  it('a token whose scopes allow searching but not reading Observations is refused; one with read is served', async () => {
    const heart = recordIds.get(`heart-rate@${at(4)}`)!;
    const searchOnly = (await scopedClientToken('system/Observation.s')).json().access_token as string;
    expect((await raw(searchOnly, `/fhir/r4/Observation/${heart}`)).status).toBe(403);
    const readable = (await scopedClientToken('system/Observation.r')).json().access_token as string;
    expect((await raw(readable, `/fhir/r4/Observation/${heart}`)).status).toBe(200);
    expect((await raw(readable, `/fhir/r4/Goal/${recordIds.get(`goal@${at(9)}`)!}`)).status).toBe(403);
  });
});

describe('errors are OperationOutcomes with the /v1 statuses', () => {
  const outcome = (body: Json) => {
    expect(body.resourceType).toBe('OperationOutcome');
    expect(fhirProblems(body as Json & { resourceType: string })).toEqual([]);
    return (body.issue as { code: string; diagnostics: string; expression?: string[] }[])[0]!;
  };

  it('401 without a token, 404 for a person without grants (as for nobody), 403 outside the grants, 400 naming the parameter', async () => {
    const none = await raw(null, `/fhir/r4/Observation?patient=${alex.subjectId}`);
    expect(none.status).toBe(401);
    expect(none.type).toMatch(/^application\/fhir\+json/);
    expect(outcome(none.body).code).toBe('login');

    const ungranted = await raw(outsider.token, `/fhir/r4/Observation?patient=${alex.subjectId}`);
    const nobody = await raw(outsider.token, `/fhir/r4/Observation?patient=${crypto.randomUUID()}`);
    expect([ungranted.status, nobody.status]).toEqual([404, 404]);
    expect(outcome(ungranted.body).code).toBe('not-found');
    expect((ungranted.body.issue as Json[])[0]!.diagnostics).toBe((nobody.body.issue as Json[])[0]!.diagnostics);
    expect((await raw(outsider.token, `/fhir/r4/Patient/${alex.subjectId}`)).status).toBe(404);

    const outside = await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&category=healthy-living`);
    expect(outside.status).toBe(403);
    expect(outcome(outside.body).code).toBe('forbidden');
    const outsideCode = await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&code=55423-8`);
    expect(outsideCode.status).toBe(403);

    const noPatient = await raw(gp.token, '/fhir/r4/Observation');
    expect(noPatient.status).toBe(400);
    expect(outcome(noPatient.body).expression).toEqual(['patient']);
    const badDate = await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&date=yesterday`);
    expect(badDate.status).toBe(400);
    expect(outcome(badDate.body).expression).toEqual(['date']);
    const unknown = await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&_elements=id`);
    expect(unknown.status).toBe(400);
    expect(outcome(unknown.body).expression).toEqual(['_elements']);
    const badCursor = await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&_cursor=nope`);
    expect(badCursor.status).toBe(400);

    expect((await raw(sam.token, `/fhir/r4/Observation?patient=${alex.subjectId}`)).status).toBe(404);
    expect((await raw(gp.token, '/fhir/r4/Consent')).status).toBe(403);
    const noRoute = await raw(gp.token, '/fhir/r4/Medication');
    expect(noRoute.status).toBe(404);
    expect(outcome(noRoute.body).code).toBe('not-found');
  });

  it('refused searches write no access-log entry', async () => {
    const before = (await logOf(alex)).length;
    await raw(gp.token, `/fhir/r4/Observation?patient=${alex.subjectId}&category=healthy-living`);
    await raw(outsider.token, `/fhir/r4/Observation?patient=${alex.subjectId}`);
    expect((await logOf(alex)).length).toBe(before);
  });
});

describe('SMART scopes narrow, never widen', () => {
  it('scopes are echoed in v2 form; a malformed or foreign scope is invalid_scope', async () => {
    const res = await scopedClientToken('system/Observation.read system/Patient.r');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().scope).toBe('system/Observation.rs system/Patient.r');
    for (const bad of ['user/Observation.rs', 'system/Medication.rs', 'system/Observation.sr', 'system/Observation.rs?category=survey', 'openid']) {
      const r = await scopedClientToken(bad);
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error).toBe('invalid_scope');
    }
    const login = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: alex.handle, password: alex.password, scope: 'user/Observation.rs' } });
    expect(login.json().error).toBe('invalid_scope');
    const practitioner = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: gp.handle, password: 'correct horse battery staple 42', scope: 'user/Goal.rs' } });
    expect(practitioner.statusCode, practitioner.body).toBe(200);
    expect(practitioner.json().scope).toBe('user/Goal.rs');
    const goals = await raw(practitioner.json().access_token, `/fhir/r4/Goal?patient=${alex.subjectId}`);
    expect(goals.status).toBe(200);
    expect((await raw(practitioner.json().access_token, `/fhir/r4/Observation?patient=${alex.subjectId}`)).status).toBe(403);
  });

  it('a client scoped to Observation sees its grants’ Observations only; /v1 reads lose what a scope does not cover; other endpoints refuse it', async () => {
    const token = (await scopedClientToken('system/Observation.rs')).json().access_token as string;
    const obs = await raw(token, `/fhir/r4/Observation?patient=${alex.subjectId}`);
    expect(obs.status).toBe(200);
    // The organisation grant to clients covers health-status and healthy-living.
    expect(((obs.body as unknown as Bundle).entry ?? []).length).toBe(4);
    expect((await raw(token, `/fhir/r4/Goal?patient=${alex.subjectId}`)).status).toBe(403);
    expect((await raw(token, `/fhir/r4/Patient/${alex.subjectId}`)).status).toBe(403);
    const v1 = await raw(token, `/v1/subjects/${alex.subjectId}/records`);
    expect(v1.status).toBe(200);
    expect(((v1.body.items as Json[]) ?? []).map((r) => r.type).sort()).toEqual(['blood-pressure', 'heart-rate', 'heart-rate', 'steps']);
    expect((await raw(token, '/v1/grants')).status).toBe(403);

    // Wider scopes than the grants: still only the grants.
    const wide = (await scopedClientToken('system/*.rs')).json().access_token as string;
    const all = await raw(wide, `/fhir/r4/Observation?patient=${alex.subjectId}`);
    expect(((all.body as unknown as Bundle).entry ?? []).length).toBe(4);
    expect((await raw(wide, `/fhir/r4/Observation?patient=${alex.subjectId}&category=mental-wellbeing`)).status).toBe(403);
  });

  it('appending needs a create scope on every resource the record becomes', async () => {
    const appendGrant = await grant(t.app, alex, { grantee: { organisationId: org }, members: 'clients', access: 'append', categories: ['health-status', 'mental-wellbeing'] });
    expect(appendGrant.id).toBeTruthy();
    const readOnly = (await scopedClientToken('system/*.rs')).json().access_token as string;
    const hr = { type: 'heart-rate', effectiveAt: at(11), value: 60 };
    const refused = await t.app.inject({ method: 'POST', url: `/v1/subjects/${alex.subjectId}/records`, headers: bearer(readOnly), payload: hr });
    expect(refused.statusCode).toBe(403);
    const obsCreate = (await scopedClientToken('system/Observation.c')).json().access_token as string;
    expect((await t.app.inject({ method: 'POST', url: `/v1/subjects/${alex.subjectId}/records`, headers: bearer(obsCreate), payload: hr })).statusCode).toBe(201);
    const phq = { type: 'phq9', effectiveAt: at(11), answers: [0, 0, 0, 0, 0, 0, 0, 0, 0] };
    expect((await t.app.inject({ method: 'POST', url: `/v1/subjects/${alex.subjectId}/records`, headers: bearer(obsCreate), payload: phq })).statusCode).toBe(403);
  });

  it('a scope widened in the database is refused, not obeyed', async () => {
    const res = await scopedClientToken('system/Goal.rs');
    const token = res.json().access_token as string;
    const sid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;
    t.sqlite().db.$client.prepare('UPDATE sessions SET scope = ? WHERE id = ?').run('system/*.rs', sid);
    expect((await raw(token, `/fhir/r4/Observation?patient=${alex.subjectId}`)).status).toBe(500);
  });
});
