import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { fhirProblems, loadFhirR4 } from './helpers/fhir.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './helpers/consent.js';

/*
 * GET /v1/me/export: the JSON export round-trips what the API shows; the FHIR export is a
 * Bundle whose every resource passes a FHIR R4 validator.
 */

type Json = Record<string, unknown>;
interface Entry {
  fullUrl: string;
  resource: Json & { resourceType: string; id: string };
}

let t: TestApp;
let alice: Citizen;
let bob: Citizen;
let admin: Staff;
let orgId: string;
let nurse: Staff;
let client: Client;
/** Every record alice holds, as the 201 answers echoed them. */
const created: Json[] = [];
let bobRecordIds: string[] = [];

const get = (who: { token: string }, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(who.token) });
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 2, day, hour)).toISOString();

/** All pages of a list endpoint, following nextCursor. */
async function all(who: { token: string }, url: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res = await get(who, `${url}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { items: Json[]; nextCursor: string | null };
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor);
  return items;
}

// ---------------------------------------------------------------- fixtures
const ownRecords: Json[] = [
  { type: 'swemwbs', effectiveAt: at(1), answers: [3, 4, 3, 4, 3, 4, 3] },
  { type: 'wemwbs', effectiveAt: at(2), answers: [3, 3, 4, 4, 2, 3, 3, 4, 4, 3, 3, 4, 4, 3] },
  { type: 'ons4', effectiveAt: at(3), answers: [7, 5, 9, 6] },
  { type: 'phq9', effectiveAt: at(4), answers: [2, 2, 2, 2, 2, 2, 2, 1, 1] },
  { type: 'phq9', effectiveAt: at(4, 12), answers: [0, 1, 0, 1, 0, 1, 0, 0, 0] },
  { type: 'gad7', effectiveAt: at(5), answers: [3, 3, 2, 2, 1, 1, 0] },
  { type: 'ucla3', effectiveAt: at(6), answers: [1, 2, 3] },
  { type: 'audit-c', effectiveAt: at(6, 11), answers: [2, 1, 2] },
  { type: 'gse', effectiveAt: at(6, 12), answers: [3, 3, 3, 3, 3, 2, 2, 2, 2, 2] },
  { type: 'brs', effectiveAt: at(6, 13), answers: [4, 2, 4, 2, 4, 3] },
  { type: 'self-rated-health', effectiveAt: at(6, 14), answers: [2] },
  { type: 'heart-rate', effectiveAt: at(7), value: 72, unit: '/min' },
  { type: 'steps', effectiveAt: at(7, 21), value: 8500 },
  { type: 'sleep-duration', effectiveAt: at(8), value: 450, unit: 'min' },
  { type: 'physical-activity', effectiveAt: at(8, 9), value: 35, unit: 'min', detail: { activity: 'walking' } },
  { type: 'blood-glucose', effectiveAt: at(9), value: 90, unit: 'mg/dL' },
  { type: 'blood-pressure', effectiveAt: at(10), systolic: 128, diastolic: 82 },
  { type: 'blood-pressure', effectiveAt: at(10, 18), value: { systolic: 16, diastolic: 10.5 }, unit: 'kPa' },
  { type: 'weight', effectiveAt: at(11), value: 11, unit: '[stone_av]' },
  { type: 'bmi', effectiveAt: at(12), value: 22.5 },
  { type: 'goal', effectiveAt: at(13), text: 'Walk to the allotment twice a week', progress: 4 },
  { type: 'goal', effectiveAt: at(14), text: 'Join the choir', progress: 10 },
  { type: 'goal', effectiveAt: at(15), text: 'Sleep before midnight' },
  { type: 'need', category: 'money', effectiveAt: at(15, 16), text: 'Help with debts', intensity: 7 },
  {
    type: 'note',
    effectiveAt: at(16),
    text: 'Felt better after the group — “small steps” ✓',
    detail: { mood: 'ok', tags: ['group', 'walk'], nested: { n: 1, flag: true, none: null } },
  },
  { type: 'note', category: 'wellbeing', effectiveAt: at(17), text: 'Filed under wellbeing' },
];

const questionnaireTypes = new Set(['swemwbs', 'wemwbs', 'ons4', 'phq9', 'gad7', 'ucla3', 'audit-c', 'gse', 'brs', 'self-rated-health']);
const measureTypes = new Set(['heart-rate', 'steps', 'sleep-duration', 'physical-activity', 'blood-glucose', 'blood-pressure', 'weight', 'bmi']);

let grantIds: { nurseRead: string; revoked: string; org: string; nurseAppend: string; orgAppend: string };

beforeAll(async () => {
  loadFhirR4();
  t = await buildTestApp();
  admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin, 'social-prescribing');
  nurse = await createPractitioner(t.app, admin, orgId, 'nurse');
  client = await createClient(t, admin, orgId);
  alice = await signUpCitizen(t.app, undefined, 'Alice Example');
  bob = await signUpCitizen(t.app, undefined, 'Bob Other');

  for (const r of ownRecords) created.push((await addRecord(t.app, alice, r)) as unknown as Json);
  // Feedback on support names an organisation, so it is added once there is one.
  created.push((await addRecord(t.app, alice, { type: 'support-feedback', effectiveAt: at(16, 12), text: 'Sessions help', rating: 7, organisationId: orgId })) as unknown as Json);

  const nurseRead = await grant(t.app, alice, {
    grantee: { accountId: nurse.accountId },
    categories: ['mental-wellbeing', 'health-status'],
    types: ['phq9', 'gad7', 'blood-pressure'],
    from: '2026-01-01',
    to: '2026-12-31',
    purpose: 'social-prescribing',
    purposeText: 'Link worker reviews before each session',
  });
  const revoked = await grant(t.app, alice, { grantee: { accountId: nurse.accountId }, categories: ['notes'], purpose: 'direct-care' });
  const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${revoked.id}`, headers: bearer(alice.token) });
  expect(del.statusCode, del.body).toBe(200);
  const org = await grant(t.app, alice, { grantee: { organisationId: orgId }, categories: ['wellbeing'], purpose: 'research' });
  const nurseAppend = await grant(t.app, alice, { grantee: { accountId: nurse.accountId }, access: 'append', categories: ['health-status'], purpose: 'care-coordination' });
  const orgAppend = await grant(t.app, alice, { grantee: { organisationId: orgId }, access: 'append', categories: ['healthy-living'], purpose: 'self-management' });
  grantIds = { nurseRead: nurseRead.id, revoked: revoked.id, org: org.id, nurseAppend: nurseAppend.id, orgAppend: orgAppend.id };

  // Records written by supporters, so the export shows other sources than the person.
  const byNurse = await t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${alice.subjectId}/records`,
    headers: bearer(nurse.token),
    payload: { type: 'weight', effectiveAt: at(18), value: 70.4, detail: { scale: 'clinic' } },
  });
  expect(byNurse.statusCode, byNurse.body).toBe(201);
  created.push(byNurse.json());
  const byClient = await t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${alice.subjectId}/records`,
    headers: bearer(client.token),
    payload: { type: 'steps', effectiveAt: at(19), value: 10234, unit: '{steps}' },
  });
  expect(byClient.statusCode, byClient.body).toBe(201);
  created.push(byClient.json());

  // A watch on her, and a pending access request.
  const w = await t.app.inject({ method: 'POST', url: `/v1/subjects/${alice.subjectId}/watches`, headers: bearer(nurse.token), payload: { type: 'phq9', field: 'score', op: 'ge', threshold: 20 } });
  expect(w.statusCode, w.body).toBe(201);
  const ar = await t.app.inject({
    method: 'POST',
    url: `/v1/subjects/${alice.subjectId}/access-requests`,
    headers: bearer(nurse.token),
    payload: { access: 'read', categories: ['goals'], purpose: 'social-prescribing' },
  });
  expect(ar.statusCode, ar.body).toBe(202);
  // A PHQ-9 with the self-harm flag after the watch exists (raises an alert, logged).
  created.push((await addRecord(t.app, alice, { type: 'phq9', effectiveAt: at(20), answers: [3, 3, 3, 3, 2, 2, 2, 2, 1] })) as unknown as Json);

  for (const r of [
    { type: 'note', effectiveAt: at(1), text: 'bob private' },
    { type: 'heart-rate', effectiveAt: at(2), value: 61 },
  ]) {
    bobRecordIds.push((await addRecord(t.app, bob, r)).id);
  }
  bobRecordIds = [...bobRecordIds];
}, 60_000);
afterAll(() => t?.close());

async function exportOf(who: Citizen, format?: string) {
  const res = await get(who, `/v1/me/export${format ? `?format=${format}` : ''}`);
  expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
  return res;
}

// ---------------------------------------------------------------- JSON
describe('json export', () => {
  it('round-trips: every record equals what GET /v1/me/records answers, in the same order', async () => {
    const res = await exportOf(alice);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="tessera-export-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = res.json();
    const listed = await all(alice, '/v1/me/records');
    expect(doc.records).toEqual(listed);
    expect(doc.records).toHaveLength(created.length);
    // …and each equals the record as its 201 answer echoed it, detail objects included.
    const byId = new Map((doc.records as Json[]).map((r) => [r.id, r]));
    // (The signposting a self-harm-risk answer carries is guidance for that moment, not the record.)
    for (const c of created) expect(byId.get(c.id)).toEqual({ ...c, signposting: undefined });
  });

  it('holds every type in the catalogue', async () => {
    const types = ((await t.app.inject({ method: 'GET', url: '/v1/catalogue/types' })).json().items as { code: string }[]).map((x) => x.code);
    const doc = (await exportOf(alice, 'json')).json();
    expect(new Set((doc.records as Json[]).map((r) => r.type))).toEqual(new Set(types));
  });

  it('has the documented top level, and grants, requests, watches and log equal their endpoints', async () => {
    const doc = (await exportOf(alice, 'json')).json();
    expect(Object.keys(doc)).toEqual(['format', 'version', 'exportId', 'exportedAt', 'logHead', 'checkpoint', 'subject', 'records', 'grants', 'accessRequests', 'watches', 'accessLog']);
    // The export anchors the chain at its own entry, signed.
    expect(doc.logHead).toEqual({ seq: doc.accessLog.at(-1).seq, hash: doc.accessLog.at(-1).hash });
    expect(decodeJwt(doc.checkpoint)).toMatchObject({ typ: 'tessera.access-log.checkpoint', subjectId: alice.subjectId, ...doc.logHead });
    expect(doc).toMatchObject({ format: 'tessera-export', version: 1 });
    expect(doc.subject).toEqual({
      subjectId: alice.subjectId,
      accountId: alice.accountId,
      handle: alice.handle,
      displayName: 'Alice Example',
      createdAt: expect.stringMatching(/Z$/),
    });
    expect(doc.grants).toEqual(await all(alice, '/v1/me/grants'));
    expect(doc.grants).toHaveLength(5);
    const revoked = (doc.grants as Json[]).find((g) => g.id === grantIds.revoked)!;
    expect(revoked).toMatchObject({ status: 'revoked', receipt: expect.any(String), revocationReceipt: expect.any(String) });
    expect(doc.accessRequests).toEqual(await all(alice, '/v1/me/access-requests'));
    expect(doc.accessRequests).toHaveLength(1);
    expect(doc.watches).toEqual((await get(alice, '/v1/me/watches')).json().items);
    expect(doc.watches).toHaveLength(1);
    // The log ends with this export's own entry, written before the body.
    const log = doc.accessLog as Json[];
    expect(log).toEqual((await all(alice, '/v1/me/access-log')).slice(0, log.length));
    expect(log.at(-1)).toMatchObject({ id: doc.exportId, action: 'export', query: { format: 'json' }, actor: { accountId: alice.accountId, kind: 'citizen' } });
  });

  it('an empty store exports empty lists and its own log entry', async () => {
    const carol = await signUpCitizen(t.app, undefined, 'Carol');
    const doc = (await exportOf(carol)).json();
    expect(doc).toMatchObject({ records: [], grants: [], accessRequests: [], watches: [] });
    expect(doc.accessLog).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- FHIR
describe('fhir export', () => {
  let bundle: Json & { resourceType: string; entry: Entry[] };
  let byUrl: Map<string, Entry['resource']>;
  const ofType = (type: string) => bundle.entry.map((e) => e.resource).filter((r) => r.resourceType === type);
  const observationOf = (recordId: string) => byUrl.get(`urn:uuid:${recordId}`)!;
  const coded = (cc: unknown, system: string) => ((cc as { coding?: { system: string; code: string }[] })?.coding ?? []).filter((c) => c.system === system).map((c) => c.code);

  beforeAll(async () => {
    const res = await exportOf(alice, 'fhir');
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="tessera-export-\d{4}-\d{2}-\d{2}\.fhir\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    bundle = res.json();
    byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  });

  it('every resource, and the Bundle, passes the FHIR R4 validator', () => {
    const failures: string[] = [];
    for (const e of bundle.entry) for (const p of fhirProblems(e.resource)) failures.push(`${e.resource.resourceType}/${e.resource.id}: ${p}`);
    for (const p of fhirProblems(bundle)) failures.push(`Bundle: ${p}`);
    expect(failures).toEqual([]);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  });

  it('has one Patient, a Consent per grant, an Observation per measure, instrument and note, a QuestionnaireResponse per questionnaire, a Goal per goal', () => {
    const count = (pred: (r: Json) => boolean) => created.filter(pred).length;
    expect(ofType('Patient')).toHaveLength(1);
    expect(ofType('Consent')).toHaveLength(5);
    expect(ofType('QuestionnaireResponse')).toHaveLength(count((r) => questionnaireTypes.has(r.type as string)));
    expect(ofType('Goal')).toHaveLength(count((r) => r.type === 'goal'));
    expect(ofType('Observation')).toHaveLength(count((r) => questionnaireTypes.has(r.type as string) || measureTypes.has(r.type as string) || r.type === 'note' || r.type === 'need' || r.type === 'support-feedback'));
    expect(bundle.entry).toHaveLength(1 + 5 + created.length + count((r) => questionnaireTypes.has(r.type as string)));
  });

  it('uses urn:uuid fullUrls, unique, and every reference resolves inside the bundle', () => {
    expect(new Set(bundle.entry.map((e) => e.fullUrl)).size).toBe(bundle.entry.length);
    for (const e of bundle.entry) expect(e.fullUrl).toBe(`urn:uuid:${e.resource.id}`);
    const refs = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(byUrl.has(r.slice('"reference":"'.length, -1)), r).toBe(true);
    const patient = ofType('Patient')[0]!;
    expect(patient).toMatchObject({ id: alice.subjectId, name: [{ text: 'Alice Example' }], active: true });
    // No more identity than Tessera holds: no birth date, gender, address or telecom.
    expect(Object.keys(patient).sort()).toEqual(['active', 'id', 'identifier', 'name', 'resourceType']);
  });

  it('scores PHQ-9 as LOINC 44261-6 with its band, flag and the answers it derives from', () => {
    const rec = created.find((r) => r.type === 'phq9' && (r.flags as string[]).includes('self-harm-risk') && r.band === 'severe')!;
    const obs = observationOf(rec.id as string);
    expect(obs).toMatchObject({
      status: 'final',
      subject: { reference: `urn:uuid:${alice.subjectId}` },
      effectiveDateTime: rec.effectiveAt,
      valueQuantity: { value: rec.score, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    });
    expect(coded(obs.code, 'http://loinc.org')).toEqual(['44261-6']);
    expect(coded(obs.code, 'http://snomed.info/sct')).toEqual(['720433000']);
    expect(coded((obs.category as Json[])[0], 'http://terminology.hl7.org/CodeSystem/observation-category')).toEqual(['survey']);
    const interpretation = obs.interpretation as { coding: { code: string }[]; text: string }[];
    expect(interpretation.map((i) => i.coding[0]!.code)).toEqual(['severe', 'self-harm-risk']);
    const qr = byUrl.get(((obs.derivedFrom as { reference: string }[])[0]!).reference)!;
    expect(qr).toMatchObject({ resourceType: 'QuestionnaireResponse', status: 'completed', authored: rec.effectiveAt, subject: { reference: `urn:uuid:${alice.subjectId}` } });
    expect((qr.item as { linkId: string; answer: { valueInteger: number }[] }[]).map((i) => [i.linkId, i.answer[0]!.valueInteger])).toEqual(
      (rec.answers as number[]).map((a, i) => [String(i + 1), a]),
    );
  });

  it('keeps SWEMWBS raw score and ONS4 items with their bands as components', () => {
    const swemwbs = observationOf(created.find((r) => r.type === 'swemwbs')!.id as string);
    expect(coded(swemwbs.code, 'http://snomed.info/sct')).toEqual(['718466001']);
    expect((swemwbs.component as Json[])[0]).toMatchObject({ valueQuantity: { value: 24, code: '{score}' } });
    const ons4 = created.find((r) => r.type === 'ons4')!;
    const obs = observationOf(ons4.id as string);
    expect(obs.valueQuantity).toBeUndefined();
    const components = obs.component as { valueInteger: number; interpretation: { coding: { code: string }[] }[] }[];
    expect(components.map((c) => [c.valueInteger, c.interpretation[0]!.coding[0]!.code])).toEqual(
      (ons4.items as { value: number; band: string }[]).map((i) => [i.value, i.band]),
    );
  });

  it('maps measures to vital-signs, activity or laboratory with canonical UCUM quantities', () => {
    const expectations: [string, string, string, string][] = [
      ['heart-rate', 'vital-signs', '8867-4', '/min'],
      ['weight', 'vital-signs', '29463-7', 'kg'],
      ['bmi', 'vital-signs', '39156-5', 'kg/m2'],
      ['steps', 'activity', '55423-8', '1'],
      ['sleep-duration', 'activity', '93832-4', 'h'],
      ['blood-glucose', 'laboratory', '15074-8', 'mmol/L'],
    ];
    for (const [type, category, loinc, unit] of expectations) {
      for (const rec of created.filter((r) => r.type === type)) {
        const obs = observationOf(rec.id as string);
        expect(coded((obs.category as Json[])[0], 'http://terminology.hl7.org/CodeSystem/observation-category'), type).toEqual([category]);
        expect(coded(obs.code, 'http://loinc.org'), type).toEqual([loinc]);
        expect(obs.valueQuantity, type).toEqual({ value: rec.value, unit, system: 'http://unitsofmeasure.org', code: unit });
      }
    }
    const weight = observationOf(created.find((r) => r.type === 'weight' && r.entered)!.id as string);
    expect(weight.note).toEqual([expect.objectContaining({ text: 'Entered as 11 [stone_av]; converted to kg.' })]);
  });

  it('blood pressure meets the R4 bp profile: code 85354-9, components 8480-6 and 8462-4 in mm[Hg], no value', () => {
    for (const rec of created.filter((r) => r.type === 'blood-pressure')) {
      const obs = observationOf(rec.id as string);
      expect(obs.meta).toEqual({ profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns', 'http://hl7.org/fhir/StructureDefinition/bp'] });
      expect(coded(obs.code, 'http://loinc.org')).toEqual(['85354-9']);
      expect(obs.valueQuantity).toBeUndefined();
      const components = obs.component as { code: unknown; valueQuantity: Json }[];
      expect(components.map((c) => coded(c.code, 'http://loinc.org'))).toEqual([['8480-6'], ['8462-4']]);
      expect(components.map((c) => c.valueQuantity)).toEqual([
        { value: rec.systolic, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
        { value: rec.diastolic, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      ]);
    }
  });

  it('goals become Goals with progress; notes become Observations with a text value; detail is kept', () => {
    const goals = created.filter((r) => r.type === 'goal');
    for (const g of goals) {
      const goal = byUrl.get(`urn:uuid:${g.id}`)!;
      expect(goal).toMatchObject({
        resourceType: 'Goal',
        lifecycleStatus: 'active',
        description: { text: g.text },
        startDate: (g.effectiveAt as string).slice(0, 10),
        subject: { reference: `urn:uuid:${alice.subjectId}` },
      });
      const achievement = coded(goal.achievementStatus, 'http://terminology.hl7.org/CodeSystem/goal-achievement');
      expect(achievement).toEqual(g.progress === undefined ? [] : g.progress === 10 ? ['achieved'] : ['in-progress']);
    }
    const note = created.find((r) => r.type === 'note' && r.detail)!;
    const obs = observationOf(note.id as string);
    expect(obs.valueString).toBe(note.text);
    expect(coded(obs.code, 'http://loinc.org')).toEqual(['51855-5']);
    const detail = (obs.extension as { url: string; valueString: string }[]).find((x) => x.url.endsWith('/record-detail'))!;
    expect(JSON.parse(detail.valueString)).toEqual(note.detail);
  });

  it('names who wrote each record: the Patient, a practitioner, or a client’s organisation', () => {
    const bySource = (kind: string) => observationOf(created.find((r) => (r.source as Json).kind === kind)!.id as string).performer as Json[];
    expect(bySource('self')).toEqual([{ reference: `urn:uuid:${alice.subjectId}` }]);
    expect(bySource('practitioner')).toEqual([{ type: 'Practitioner', identifier: { system: expect.stringMatching(/\/fhir\/NamingSystem\/account$/), value: nurse.accountId } }]);
    expect(bySource('client')).toEqual([{ type: 'Organization', identifier: { system: expect.stringMatching(/\/fhir\/NamingSystem\/organisation$/), value: orgId } }]);
  });

  it('grants become Consents with scope, period, data period, classes, purpose, actor and receipt', async () => {
    const grants = await all(alice, '/v1/me/grants');
    const consentOf = (id: string) => byUrl.get(`urn:uuid:${id}`)!;
    for (const g of grants) {
      const c = consentOf(g.id as string);
      expect(c).toMatchObject({
        resourceType: 'Consent',
        status: g.status === 'active' ? 'active' : 'inactive',
        patient: { reference: `urn:uuid:${alice.subjectId}` },
        dateTime: g.createdAt,
        provision: { type: 'permit', period: { start: g.createdAt, end: g.expiresAt } },
      });
      expect(coded(c.scope, 'http://terminology.hl7.org/CodeSystem/consentscope')).toEqual(['patient-privacy']);
      expect(coded((c.category as Json[])[0], 'http://loinc.org')).toEqual(['59284-0']);
      const source = c.sourceAttachment as { contentType: string; data: string };
      expect(source.contentType).toBe('application/jose');
      expect(Buffer.from(source.data, 'base64').toString('ascii')).toBe(g.receipt);
      const provision = c.provision as { class: { code: string }[]; purpose: { code: string }[]; actor: { reference: Json }[] };
      expect(provision.class.map((x) => x.code)).toEqual(g.categories);
      expect(provision.purpose[0]!.code).toBe(g.purpose);
    }
    const read = consentOf(grantIds.nurseRead);
    expect(read.provision).toMatchObject({
      dataPeriod: { start: '2026-01-01T00:00:00.000Z', end: '2026-12-31T23:59:59.999Z' },
      actor: [{ role: { coding: [{ code: 'IRCP' }] }, reference: { type: 'Practitioner', identifier: { value: nurse.accountId } } }],
      action: [{ coding: [{ code: 'access' }] }],
    });
    expect(((read.provision as Json).code as unknown[]).map((cc) => coded(cc, 'http://loinc.org'))).toEqual([['44261-6'], ['70274-6'], ['85354-9']]);
    expect(((read.provision as Json).purpose as { code: string }[]).map((p) => p.code)).toEqual(['social-prescribing', 'COC']);
    expect(read.extension).toEqual(expect.arrayContaining([expect.objectContaining({ valueString: 'Link worker reviews before each session' })]));
    const revoked = consentOf(grantIds.revoked);
    expect(revoked.status).toBe('inactive');
    expect((revoked.extension as { url: string }[]).some((x) => x.url.endsWith('/revocation-receipt'))).toBe(true);
    expect(((consentOf(grantIds.org).provision as Json).actor as { reference: Json }[])[0]!.reference).toMatchObject({ type: 'Organization', identifier: { value: orgId } });
    expect((consentOf(grantIds.nurseAppend).provision as Json).actor).toEqual([expect.objectContaining({ role: { coding: [expect.objectContaining({ code: 'INF' })] } })]);
  });

  it('an empty store is a valid Bundle holding only the Patient', async () => {
    const dave = await signUpCitizen(t.app, undefined, 'Dave');
    const b = (await exportOf(dave, 'fhir')).json();
    expect(b.entry.map((e: Entry) => e.resource.resourceType)).toEqual(['Patient']);
    expect(fhirProblems(b)).toEqual([]);
  });
});

// ---------------------------------------------------------------- logging, isolation, access
describe('export access', () => {
  it('each export is an entry in the person’s access log, with its format', async () => {
    await exportOf(alice, 'fhir');
    const entries = await all(alice, '/v1/me/access-log?action=export');
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(entries.map((e) => (e.query as Json).format)).toEqual(expect.arrayContaining(['json', 'fhir']));
    for (const e of entries) expect(e).toMatchObject({ action: 'export', actor: { accountId: alice.accountId, kind: 'citizen' }, recordIds: [], grantIds: [] });
    // Nobody else's log shows it.
    expect(await all(bob, '/v1/me/access-log?action=export')).toEqual([]);
  });

  it("holds only the caller's data: another person's ids never appear", async () => {
    for (const format of ['json', 'fhir']) {
      const body = (await exportOf(alice, format)).body;
      expect(body).toContain(alice.subjectId);
      for (const id of [...bobRecordIds, bob.subjectId, bob.accountId]) expect(body, `${format} holds ${id}`).not.toContain(id);
    }
    const bobs = (await exportOf(bob)).json();
    expect((bobs.records as Json[]).map((r) => r.id).sort()).toEqual([...bobRecordIds].sort());
  });

  it('is 401 without a valid token and 403 for practitioners, clients and operators', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/export' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/export', headers: bearer('not-a-token') })).statusCode).toBe(401);
    for (const who of [nurse, client, admin]) {
      const res = await get(who, '/v1/me/export?format=fhir');
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('a bad format is a 400 naming format, and logs nothing', async () => {
    const before = (await all(alice, '/v1/me/access-log?action=export')).length;
    for (const url of ['/v1/me/export?format=xml', '/v1/me/export?format=', '/v1/me/export?format=JSON']) {
      const res = await get(alice, url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain('format');
    }
    expect((await get(alice, '/v1/me/export?since=2026-01-01')).statusCode).toBe(400);
    expect((await all(alice, '/v1/me/access-log?action=export')).length).toBe(before);
  });

  it('HEAD answers the headers only, reading and logging nothing', async () => {
    const before = (await all(alice, '/v1/me/access-log?action=export')).length;
    const res = await t.app.inject({ method: 'HEAD', url: '/v1/me/export?format=fhir', headers: bearer(alice.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/\.fhir\.json"$/);
    expect(res.body).toBe('');
    expect((await all(alice, '/v1/me/access-log?action=export')).length).toBe(before);
    expect((await t.app.inject({ method: 'HEAD', url: '/v1/me/export', headers: bearer(nurse.token) })).statusCode).toBe(403);
  });

  it('documents both shapes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const op = doc.paths['/v1/me/export'].get;
    expect(Object.keys(op.responses['200'].content).sort()).toEqual(['application/fhir+json', 'application/json']);
    expect(op.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'format', in: 'query' })]));
  });
});
