import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';
import { fhirProblems, loadFhirR4 } from './helpers/fhir.js';

/**
 * Disputes (docs/care-team.md "Disputes"): the person disputes a record a GP wrote; the GP's
 * practice resolves it as upheld, entered in error or amended. The disputed record's stored
 * bytes never change; every view and export says it is disputed.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers, read loosely inside assertions
type Json = Record<string, any>;

let t: TestApp;
let gp: Staff;
let colleague: Staff;
let elsewhere: Staff;
let surgery: string;
let p: Citizen;

beforeAll(async () => {
  await loadFhirR4();
  t = await buildTestApp();
  const admin = await createAdmin(t);
  surgery = await createOrganisation(t.app, admin, 'gp-practice', 'Hillside Surgery');
  gp = await createPractitioner(t.app, admin, surgery, 'gp');
  colleague = await createPractitioner(t.app, admin, surgery, 'nurse');
  elsewhere = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin, 'social-prescribing'), 'link-worker');
  p = await signUpCitizen(t.app, undefined, 'Pat');
  await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['mental-wellbeing', 'health-status'] });
  await grant(t.app, p, { grantee: { accountId: elsewhere.accountId }, categories: ['mental-wellbeing', 'health-status'] });
}, 60_000);
afterAll(() => t.close());

const inject = (method: 'GET' | 'POST', url: string, who: { token: string }, payload?: unknown) =>
  t.app.inject({ method, url, headers: bearer(who.token), ...(payload === undefined ? {} : { payload: payload as Json }) });

async function gpWrites(body: Json): Promise<string> {
  const res = await inject('POST', `/v1/subjects/${p.subjectId}/records`, gp, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const dispute = (recordId: string, statement = 'I never said I felt like this') => inject('POST', `/v1/me/records/${recordId}/disputes`, p, { statement });
const resolve = (who: Staff, id: string, body: Json) => inject('POST', `/v1/disputes/${id}/resolve`, who, body);
const storedBytes = (id: string) => (t.sqlite().db.$client.prepare('SELECT payload FROM records WHERE id = ?').get(id) as { payload: Buffer }).payload.toString('hex');
const mine = async () => (await inject('GET', '/v1/me/records?limit=200', p)).json().items as Json[];
const slice = async () => (await inject('GET', `/v1/subjects/${p.subjectId}/records?limit=200`, elsewhere)).json().items as Json[];
const kinds = async (who: { token: string }) => ((await inject('GET', '/v1/me/notifications', who)).json().items as Json[]).map((n) => `${n.kind}:${n.disputeId}`);

describe('opening a dispute', () => {
  it('the person disputes a record the GP wrote; every view carries it and the GP is told', async () => {
    const recordId = await gpWrites({ type: 'phq9', effectiveAt: '2026-05-01T09:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 3, 0] });
    const res = await dispute(recordId);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({ recordId, status: 'open', statement: 'I never said I felt like this', note: null, replacedBy: null, writer: { accountId: gp.accountId, organisationId: surgery } });
    expect(d.record).toMatchObject({ type: 'phq9', category: 'mental-wellbeing' });
    const summary = { id: d.id, status: 'open', statement: 'I never said I felt like this', note: null, replacedBy: null };
    expect((await mine()).find((r) => r.id === recordId)?.dispute).toEqual(summary);
    expect((await slice()).find((r) => r.id === recordId)?.dispute).toEqual(summary);
    expect(await kinds(gp)).toContain(`dispute-opened:${d.id}`);
    const log = ((await inject('GET', '/v1/me/access-log?order=desc&limit=5', p)).json().items as Json[]).find((e) => e.action === 'dispute.open');
    expect(log).toMatchObject({ recordIds: [recordId], query: { disputeId: d.id } });
    // The statement is sealed with the person's key: it is nowhere in the database in clear.
    const raw = JSON.stringify(t.sqlite().db.$client.prepare('SELECT * FROM disputes WHERE id = ?').get(d.id), (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    expect(raw).not.toContain('never said');
  });

  it('refuses a record the person wrote (409), one not in their store (404), a second open dispute (409) and a blank statement (400)', async () => {
    const own = await addRecord(t.app, p, { type: 'note', effectiveAt: '2026-05-02T09:00:00Z', text: 'mine' });
    expect((await dispute(own.id)).statusCode).toBe(409);
    const other = await signUpCitizen(t.app);
    const theirs = await addRecord(t.app, other, { type: 'note', effectiveAt: '2026-05-02T09:00:00Z', text: 'theirs' });
    expect((await dispute(theirs.id)).statusCode).toBe(404);
    const recordId = await gpWrites({ type: 'gad7', effectiveAt: '2026-05-03T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1] });
    expect((await dispute(recordId)).statusCode).toBe(201);
    const again = await dispute(recordId, 'still wrong');
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    const blank = await dispute(await gpWrites({ type: 'gad7', effectiveAt: '2026-05-04T09:00:00Z', answers: [0, 0, 0, 0, 0, 0, 0] }), '   ');
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors[0].field).toBe('statement');
    // Supporters cannot open disputes on the person's behalf.
    expect((await inject('POST', `/v1/me/records/${recordId}/disputes`, gp, { statement: 'x' })).statusCode).toBe(403);
  });
});

describe('resolving', () => {
  it('only the writing organisation sees and resolves its disputes; others get 404', async () => {
    const recordId = await gpWrites({ type: 'phq9', effectiveAt: '2026-05-05T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
    const d = (await dispute(recordId)).json();
    const listed = (await inject('GET', '/v1/disputes?status=open', colleague)).json().items as Json[];
    expect(listed.map((x) => x.id)).toContain(d.id);
    expect(listed.find((x) => x.id === d.id)).toMatchObject({ statement: 'I never said I felt like this', subjectId: p.subjectId });
    expect(((await inject('GET', '/v1/disputes', elsewhere)).json().items as Json[]).map((x) => x.id)).not.toContain(d.id);
    expect((await resolve(elsewhere, d.id, { outcome: 'upheld', note: 'no' })).statusCode).toBe(404);
    expect((await inject('POST', `/v1/disputes/${d.id}/resolve`, p, { outcome: 'upheld', note: 'no' })).statusCode).toBe(403);
  });

  it('upheld: the record stands with the person’s statement attached; its bytes are unchanged; the person is told', async () => {
    const recordId = await gpWrites({ type: 'phq9', effectiveAt: '2026-05-06T09:00:00Z', answers: [2, 2, 2, 2, 2, 2, 2, 2, 0] });
    const before = storedBytes(recordId);
    const d = (await dispute(recordId)).json();
    const res = await resolve(colleague, d.id, { outcome: 'upheld', note: 'We checked the consultation notes: these were your answers.' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'upheld', statement: 'I never said I felt like this', replacement: null });
    expect(storedBytes(recordId)).toBe(before);
    expect((await mine()).find((r) => r.id === recordId)?.dispute).toMatchObject({ status: 'upheld', statement: 'I never said I felt like this', note: 'We checked the consultation notes: these were your answers.' });
    expect(await kinds(p)).toContain(`dispute-resolved:${d.id}`);
    // The writer is told too when a colleague resolved it.
    expect(await kinds(gp)).toContain(`dispute-resolved:${d.id}`);
    expect((await resolve(colleague, d.id, { outcome: 'entered-in-error', note: 'again' })).statusCode).toBe(409);
  });

  it('entered in error: hidden from supporters’ reads, kept for the person with the flag, bytes unchanged', async () => {
    const recordId = await gpWrites({ type: 'phq9', effectiveAt: '2026-05-07T09:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 3, 3] });
    const before = storedBytes(recordId);
    expect((await slice()).map((r) => r.id)).toContain(recordId);
    const d = (await dispute(recordId, 'This is someone else’s questionnaire')).json();
    const res = await resolve(gp, d.id, { outcome: 'entered-in-error', note: 'Filed against the wrong person; sorry.' });
    expect(res.statusCode, res.body).toBe(200);
    expect((await slice()).map((r) => r.id)).not.toContain(recordId);
    const fhir = (await inject('GET', `/fhir/r4/Observation?patient=${p.subjectId}&_count=500`, elsewhere)).json();
    expect(JSON.stringify(fhir)).not.toContain(recordId);
    // Read by id: hidden alike (404), while the person still reads it, tagged.
    expect((await inject('GET', `/fhir/r4/Observation/${recordId}`, elsewhere)).statusCode).toBe(404);
    const own = await inject('GET', `/fhir/r4/Observation/${recordId}`, p);
    expect(own.statusCode, own.body).toBe(200);
    expect(JSON.stringify(own.json().meta.tag)).toContain('entered-in-error');
    expect((await mine()).find((r) => r.id === recordId)?.dispute).toMatchObject({ status: 'entered-in-error' });
    expect(storedBytes(recordId)).toBe(before);
  });

  it('amended: a new record replaces the disputed one, which is kept byte for byte and points to it', async () => {
    const recordId = await gpWrites({ type: 'phq9', effectiveAt: '2026-05-08T09:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 3, 0] });
    const before = storedBytes(recordId);
    const d = (await dispute(recordId, 'I answered “several days”, not “nearly every day”')).json();
    const missing = await resolve(gp, d.id, { outcome: 'amended', note: 'Corrected' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors[0].field).toBe('record');
    const wrongType = await resolve(gp, d.id, { outcome: 'amended', note: 'Corrected', record: { type: 'gad7', effectiveAt: '2026-05-08T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1] } });
    expect(wrongType.json().errors[0].field).toBe('record.type');
    const badAnswers = await resolve(gp, d.id, { outcome: 'amended', note: 'Corrected', record: { type: 'phq9', effectiveAt: '2026-05-08T09:00:00Z', answers: [1, 1] } });
    expect(badAnswers.statusCode).toBe(400);
    expect(badAnswers.json().errors[0].field).toMatch(/^record\.answers/);
    expect((await resolve(gp, d.id, { outcome: 'upheld', note: 'x', record: { type: 'phq9', effectiveAt: '2026-05-08T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] } })).json().errors[0].field).toBe('record');
    const res = await resolve(gp, d.id, { outcome: 'amended', note: 'Corrected to what you told me', record: { type: 'phq9', effectiveAt: '2026-05-08T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] } });
    expect(res.statusCode, res.body).toBe(200);
    const { replacement } = res.json();
    expect(replacement).toMatchObject({ type: 'phq9', score: 8, replaces: recordId, source: { kind: 'practitioner', accountId: gp.accountId } });
    expect(res.json()).toMatchObject({ status: 'amended', replacedBy: replacement.id });
    expect(storedBytes(recordId)).toBe(before);
    const records = await mine();
    expect(records.find((r) => r.id === recordId)?.dispute).toMatchObject({ status: 'amended', replacedBy: replacement.id });
    expect(records.find((r) => r.id === replacement.id)).toMatchObject({ replaces: recordId, score: 8 });
    const log = (await inject('GET', '/v1/me/access-log?order=desc&limit=1', p)).json().items[0];
    expect(log).toMatchObject({ action: 'dispute.resolve', recordIds: [recordId, replacement.id] });
  });

  it('the FHIR export tags every disputed resource and carries the statement as a note, validator clean', async () => {
    const res = await inject('GET', '/v1/me/export?format=fhir', p);
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    const tagged = (bundle.entry as { resource: Json }[]).map((e) => e.resource).filter((r) => r.meta?.tag?.some((tag: Json) => tag.system.endsWith('CodeSystem/dispute-status')));
    expect(tagged.length).toBeGreaterThanOrEqual(5);
    const codes = new Set(tagged.flatMap((r) => r.meta.tag.map((tag: Json) => tag.code)));
    for (const c of ['open', 'upheld', 'entered-in-error', 'amended']) expect(codes).toContain(c);
    const observations = tagged.filter((r) => r.resourceType === 'Observation');
    expect(observations.every((o) => o.note.some((n: Json) => n.text.startsWith('The person disputes this record: ')))).toBe(true);
    const failures = tagged.flatMap((r) => fhirProblems(r as never).map((x) => `${r.resourceType}/${r.id}: ${x}`));
    expect(failures).toEqual([]);
  });
});

describe('feedback on support', () => {
  it('a support-feedback record rates an organisation 0–10 in the person’s words, shareable like any record', async () => {
    const missing = await inject('POST', '/v1/me/records', p, { type: 'support-feedback', effectiveAt: '2026-05-09T09:00:00Z', text: 'Helpful', rating: 8 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors.map((e: Json) => e.field)).toEqual(['organisationId']);
    const unknown = await inject('POST', '/v1/me/records', p, { type: 'support-feedback', effectiveAt: '2026-05-09T09:00:00Z', text: 'Helpful', rating: 8, organisationId: '0191e8a2-5c4b-7d3e-9f10-2a3b4c5d6e7f' });
    expect(unknown.json().errors.map((e: Json) => e.field)).toEqual(['organisationId']);
    const outOfRange = await inject('POST', '/v1/me/records', p, { type: 'support-feedback', effectiveAt: '2026-05-09T09:00:00Z', text: 'Helpful', rating: 11, organisationId: surgery });
    expect(outOfRange.json().errors.map((e: Json) => e.field)).toEqual(['rating']);
    const notUsed = await inject('POST', '/v1/me/records', p, { type: 'note', effectiveAt: '2026-05-09T09:00:00Z', text: 'x', organisationId: surgery });
    expect(notUsed.json().errors.map((e: Json) => e.field)).toEqual(['organisationId']);
    const made = await inject('POST', '/v1/me/records', p, { type: 'support-feedback', category: 'mental-wellbeing', effectiveAt: '2026-05-09T09:00:00Z', text: 'The surgery listens now', rating: 8, organisationId: surgery });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ type: 'support-feedback', rating: 8, organisationId: surgery, text: 'The surgery listens now' });
    // Shared through a mental-wellbeing grant like any record filed there.
    expect((await slice()).find((r) => r.id === made.json().id)).toMatchObject({ rating: 8, organisationId: surgery });
    const found = (await inject('GET', `/fhir/r4/Observation?patient=${p.subjectId}&_count=500`, p)).json();
    const obs = (found.entry as { resource: Json }[]).map((e) => e.resource).find((r) => r.id === made.json().id)!;
    expect(obs.component).toEqual([{ code: { text: 'Is this helping me? (0–10)' }, valueInteger: 8 }]);
    expect(fhirProblems(obs as never)).toEqual([]);
  });
});
