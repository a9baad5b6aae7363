import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';
import { addRecord, clientAssertion, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './helpers/consent.js';
import { fhirProblems, loadFhirR4 } from './helpers/fhir.js';

/*
 * FHIR Bulk Data Access 2.0 (docs/fhir.md "Bulk Data"), driven over a real socket the way a Bulk
 * Data client does it: kick-off with Prefer: respond-async, poll the Content-Location until the
 * manifest, download each NDJSON file with the token, cancel with DELETE.
 */

type Json = Record<string, unknown> & { resourceType: string; id: string };

let t: TestApp & { url: string };
let admin: Staff;
let org: string;
let otherOrg: string;
let gp: Staff;
let outsider: Staff;
let client: Client;
let ana: Citizen;
let ben: Citizen;
let cal: Citizen;
let dee: Citizen;
let anaRead: { id: string };
const ids = new Map<string, string[]>();
const at = (day: number) => new Date(Date.UTC(2026, 1, day, 9)).toISOString();

async function call(token: string | null, path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith('http') ? path : `${t.url}${path}`;
  const send = () => fetch(url, { ...init, headers: { ...(token ? bearer(token) : {}), ...(init.headers as Record<string, string> | undefined) } });
  try {
    return await send();
  } catch (e) {
    // The server closes keep-alive sockets idle for 5 s; a client reusing one as it closes retries, as HTTP clients do.
    if ((e as { cause?: { code?: string } }).cause?.code !== 'ECONNRESET') throw e;
    return send();
  }
}

async function kickOff(token: string, query = '', org_ = org) {
  return call(token, `/fhir/r4/Group/${org_}/$export${query}`, { headers: { prefer: 'respond-async', accept: 'application/fhir+json' } });
}

/** Polls a status URL until the manifest (bounded: 30 s), checking each 202 on the way. */
async function manifestOf(token: string, location: string): Promise<{ transactionTime: string; requiresAccessToken: boolean; output: { type: string; url: string; count: number }[] }> {
  const until = Date.now() + 30_000;
  for (;;) {
    const res = await call(token, location);
    if (res.status === 200) {
      expect(res.headers.get('expires')).toBeTruthy();
      return (await res.json()) as never;
    }
    expect(res.status, await res.text()).toBe(202);
    expect(res.headers.get('x-progress')).toMatch(/^\d+ of \d+ people$/);
    expect(res.headers.get('retry-after')).toBeTruthy();
    if (Date.now() > until) throw new Error('export did not finish');
    await new Promise((r) => setTimeout(r, 30));
  }
}

async function download(token: string, url: string): Promise<Json[]> {
  const res = await call(token, url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+ndjson/);
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Json);
}

async function logOf(c: Citizen) {
  const res = await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=100', headers: bearer(c.token) });
  return (res.json() as { items: { action: string; recordIds: string[]; grantIds: string[]; actor: { accountId: string }; query: Record<string, unknown> }[] }).items;
}

async function clientToken(scope: string): Promise<string> {
  const res = await call(null, '/v1/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(client, `${t.url}/v1/token`),
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

beforeAll(async () => {
  loadFhirR4();
  t = await buildListeningTestApp();
  admin = await createAdmin(t);
  org = await createOrganisation(t.app, admin);
  otherOrg = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  outsider = await createPractitioner(t.app, admin, otherOrg, 'gp');
  client = await createClient(t, admin, org);
  [ana, ben, cal, dee] = [await signUpCitizen(t.app), await signUpCitizen(t.app), await signUpCitizen(t.app), await signUpCitizen(t.app)];
  const seed = async (c: Citizen, list: Record<string, unknown>[]) => {
    const made: string[] = [];
    for (const r of list) made.push((await addRecord(t.app, c, r)).id);
    ids.set(c.subjectId, made);
  };
  await seed(ana, [
    { type: 'phq9', effectiveAt: at(1), answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] },
    { type: 'heart-rate', effectiveAt: at(2), value: 61 },
    { type: 'goal', effectiveAt: at(3), text: 'Cook twice a week', progress: 2 },
    { type: 'steps', effectiveAt: at(4), value: 5000 },
  ]);
  await seed(ben, [
    { type: 'blood-pressure', effectiveAt: at(5), systolic: 120, diastolic: 80 },
    { type: 'weight', effectiveAt: at(6), value: 80 },
  ]);
  await seed(cal, [{ type: 'heart-rate', effectiveAt: at(7), value: 70 }]);
  await seed(dee, [{ type: 'heart-rate', effectiveAt: at(8), value: 72 }]);
  // ana: mental wellbeing, health and goals to the practitioners; ben: health to all the organisation's accounts;
  // cal: append only; dee: another organisation.
  anaRead = await grant(t.app, ana, { grantee: { organisationId: org }, categories: ['mental-wellbeing', 'health-status', 'goals'] });
  await grant(t.app, ben, { grantee: { organisationId: org }, members: 'all', categories: ['health-status'] });
  await grant(t.app, cal, { grantee: { organisationId: org }, access: 'append', categories: ['health-status'] });
  await grant(t.app, dee, { grantee: { organisationId: otherOrg }, categories: ['health-status'] });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('Bulk Data Group export', () => {
  let location: string;
  let files: Map<string, Json[]>;

  it('kick-off → 202 with Content-Location; polling → 202 with progress, then the manifest', async () => {
    const res = await kickOff(gp.token);
    expect(res.status, await res.clone().text()).toBe(202);
    location = res.headers.get('content-location')!;
    expect(location).toMatch(new RegExp(`^${t.url}/fhir/r4/bulk/[0-9a-f-]{36}$`));
    // Written after kick-off: not in this export.
    await addRecord(t.app, ana, { type: 'heart-rate', effectiveAt: at(9), value: 99 });
    const manifest = await manifestOf(gp.token, location);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(Object.fromEntries(manifest.output.map((o) => [o.type, o.count]))).toEqual({ Patient: 2, Observation: 4, QuestionnaireResponse: 1, Goal: 1 });
    files = new Map();
    for (const o of manifest.output) files.set(o.type, await download(gp.token, o.url));
  });

  it('the files hold exactly the slices granted at kick-off, each resource valid FHIR R4', async () => {
    expect(files.get('Patient')!.map((p) => p.id).sort()).toEqual([ana.subjectId, ben.subjectId].sort());
    const observed = files.get('Observation')!.map((o) => o.id).sort();
    const [phq, hr] = ids.get(ana.subjectId)!;
    expect(observed).toEqual([phq, hr, ...ids.get(ben.subjectId)!].sort());
    for (const [, list] of files) for (const r of list) expect(fhirProblems(r), `${r.resourceType}/${r.id}`).toEqual([]);
    for (const p of files.get('Patient')!) expect(p.name).toBeUndefined();
  });

  it('each person gets one records.bulk-export entry naming every record exported; people outside get none', async () => {
    const a = (await logOf(ana)).filter((e) => e.action === 'records.bulk-export');
    expect(a).toHaveLength(1);
    expect(a[0]!.actor.accountId).toBe(gp.accountId);
    expect(a[0]!.grantIds).toEqual([anaRead.id]);
    expect([...a[0]!.recordIds].sort()).toEqual(ids.get(ana.subjectId)!.slice(0, 3).sort());
    expect((await logOf(ben)).filter((e) => e.action === 'records.bulk-export')).toHaveLength(1);
    expect((await logOf(cal)).filter((e) => e.action === 'records.bulk-export')).toHaveLength(0);
    expect((await logOf(dee)).filter((e) => e.action === 'records.bulk-export')).toHaveLength(0);
  });

  it('files need the token of the account that started the export', async () => {
    const url = `${location}/Observation.ndjson`;
    expect((await call(null, url)).status).toBe(401);
    const other = await createPractitioner(t.app, admin, org, 'nurse');
    const res = await call(other.token, url);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect((await call(other.token, location)).status).toBe(404);
  });

  it('a revocation after kick-off takes the person out of every later download', async () => {
    const revoke = await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${anaRead.id}`, headers: bearer(ana.token) });
    expect(revoke.statusCode).toBe(200);
    const patients = await download(gp.token, `${location}/Patient.ndjson`);
    expect(patients.map((p) => p.id)).toEqual([ben.subjectId]);
    expect(await download(gp.token, `${location}/Goal.ndjson`)).toEqual([]);
  });

  it('DELETE cancels: 202, then the status and files are gone', async () => {
    const res = await call(gp.token, location, { method: 'DELETE' });
    expect(res.status).toBe(202);
    expect((await call(gp.token, location)).status).toBe(404);
    expect((await call(gp.token, `${location}/Patient.ndjson`)).status).toBe(404);
    expect((await call(gp.token, location, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('kick-off rules', () => {
  it('needs Prefer: respond-async; another organisation is 404; unknown types and parameters are 400', async () => {
    const noPrefer = await call(gp.token, `/fhir/r4/Group/${org}/$export`);
    expect(noPrefer.status).toBe(400);
    const body = (await noPrefer.json()) as { resourceType: string; issue: { expression: string[] }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(body.issue[0]!.expression).toEqual(['prefer']);
    expect((await kickOff(outsider.token)).status).toBe(404);
    expect((await kickOff(gp.token, '', otherOrg)).status).toBe(404);
    expect((await kickOff(gp.token, '?_type=Medication')).status).toBe(400);
    expect((await kickOff(gp.token, '?_typeFilter=x')).status).toBe(400);
    expect((await kickOff(gp.token, '?_since=yesterday')).status).toBe(400);
  });

  it('a client exports what its organisation grants to clients, narrowed by its scopes and _type', async () => {
    const token = await clientToken('system/Observation.rs system/Patient.rs');
    expect((await kickOff(token, '?_type=Goal')).status).toBe(403);
    const res = await kickOff(token, '?_type=Observation');
    expect(res.status).toBe(202);
    const manifest = await manifestOf(token, res.headers.get('content-location')!);
    expect(manifest.output.map((o) => o.type)).toEqual(['Observation']);
    // Only ben's grant reaches clients (members: all).
    const obs = await download(token, manifest.output[0]!.url);
    expect(obs.map((o) => o.id).sort()).toEqual([...ids.get(ben.subjectId)!].sort());
  });

  it('_since keeps only records stored at or after it', async () => {
    const since = new Date().toISOString();
    await addRecord(t.app, ben, { type: 'heart-rate', effectiveAt: at(10), value: 58 });
    const res = await kickOff(gp.token, `?_since=${encodeURIComponent(since)}&_type=Observation`);
    const manifest = await manifestOf(gp.token, res.headers.get('content-location')!);
    const obs = await download(gp.token, manifest.output[0]!.url);
    expect(obs.map((o) => (o.valueQuantity as { value: number }).value)).toEqual([58]);
  });
});
