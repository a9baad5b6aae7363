import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/*
 * Bespoke measures end to end (docs/outcomes.md "Bespoke measures"): Hillside's manager
 * defines a questionnaire, publishes it, changes it as version 2; people record it, a link
 * worker watches it, it exports as a QuestionnaireResponse with the version's items, and
 * aggregates count it. A person defines a measure of their own.
 *
 * Version 1: four items 0–4, item 3 reversed, sum 0–16; bands low 0–5, medium 6–10, high 11–16;
 * flag `needs-call` when item 1 is 0; meaningful change 3 points up.
 * Version 2 adds a fifth item: sum 0–20; bands low 0–6, medium 7–13, high 14–20.
 */
const v1 = {
  code: 'hillside-confidence',
  label: 'Hillside confidence check',
  description: 'How confident someone feels about getting out and about, four questions.',
  category: 'can-do',
  kind: 'questionnaire',
  questionnaire: {
    itemMin: 0,
    itemMax: 4,
    items: [
      { n: 1, label: 'Leaving the house', answers: [{ value: 0, label: 'Not at all' }, { value: 4, label: 'Completely' }] },
      { n: 2, label: 'Using the bus' },
      { n: 3, label: 'Worrying about going out', reverse: true },
      { n: 4, label: 'Meeting new people' },
    ],
    scoring: {
      total: 'sum',
      bands: [
        { code: 'low', label: 'Low', min: 0, max: 5 },
        { code: 'medium', label: 'Medium', min: 6, max: 10 },
        { code: 'high', label: 'High', min: 11, max: 16 },
      ],
    },
    flags: [{ flag: 'needs-call', item: 1, op: 'eq', value: 0, description: 'Cannot leave the house at all: call within a week' }],
  },
  meaningfulChange: { threshold: 3, improvement: 'increase', basis: 'Set by Hillside from its pilot', source: null },
  licence: 'Hillside’s own; free to use by anyone',
};
const v2 = {
  ...v1,
  questionnaire: {
    ...v1.questionnaire,
    items: [...v1.questionnaire.items, { n: 5, label: 'Going somewhere new' }],
    scoring: {
      total: 'sum',
      bands: [
        { code: 'low', label: 'Low', min: 0, max: 6 },
        { code: 'medium', label: 'Medium', min: 7, max: 13 },
        { code: 'high', label: 'High', min: 14, max: 20 },
      ],
    },
  },
};

let t: TestApp;
let admin: Staff;
let hillside: string;
let manager: Staff;
let worker: Staff;
let otherManager: Staff;
let sam: Citizen;

async function post(url: string, who: { token: string }, payload?: unknown) {
  return t.app.inject({ method: 'POST', url, headers: bearer(who.token), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function catalogueEntry(code: string) {
  const items = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/types' })).json().items as { code: string; version?: number }[];
  return items.find((i) => i.code === code);
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createAdmin(t);
  hillside = await createOrganisation(t.app, admin, 'social-prescribing', 'Hillside');
  manager = await createPractitioner(t.app, admin, hillside, 'manager');
  worker = await createPractitioner(t.app, admin, hillside, 'link-worker');
  otherManager = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'manager');
  sam = await signUpCitizen(t.app);
});
afterAll(() => t.close());

describe('an organisation defines a measure', () => {
  it('only the operator or a manager of that organisation may define one', async () => {
    expect((await post(`/v1/organisations/${hillside}/types`, worker, v1)).statusCode).toBe(403);
    expect((await post(`/v1/organisations/${hillside}/types`, otherManager, v1)).statusCode).toBe(403);
    expect((await post(`/v1/organisations/${hillside}/types`, sam, v1)).statusCode).toBe(403);
    expect((await post(`/v1/organisations/00000000-0000-4000-8000-000000000000/types`, admin, v1)).statusCode).toBe(404);
  });

  it('a definition that does not hold together is a 400 naming the field', async () => {
    const d0 = (i: number) => v1.questionnaire.items[i]!;
    const bad = async (change: (d: typeof v1) => unknown) => (await post(`/v1/organisations/${hillside}/types`, manager, change(structuredClone(v1)))).json().errors?.map((e: { field: string }) => e.field);
    expect(await bad((d) => ({ ...d, code: 'phq9' }))).toEqual(['code']);
    expect(await bad((d) => ({ ...d, code: 'my-thing' }))).toEqual(['code']);
    expect(await bad((d) => ({ ...d, category: 'no-such' }))).toEqual(['category']);
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, itemMax: 0 } }))).toContain('questionnaire.itemMax');
    const swapped = [d0(1), d0(0), d0(2), d0(3)];
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, items: swapped } }))).toEqual(['questionnaire.items.0.n', 'questionnaire.items.1.n']);
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, items: [{ n: 1, label: 'x', answers: [{ value: 9, label: 'nine' }] }] } }))).toContain('questionnaire.items.0.answers.0.value');
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, scoring: { total: 'sum', bands: [{ code: 'lower', label: 'Lower', min: 0, max: 8 }, { code: 'upper', label: 'Upper', min: 8, max: 16 }] } } }))).toEqual(['questionnaire.scoring.bands.1']);
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, scoring: { total: 'sum', scoreMax: 20 } } }))).toEqual(['questionnaire.scoring.scoreMax']);
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, flags: [{ ...d.questionnaire.flags[0], item: 9 }] } }))).toEqual(['questionnaire.flags.0.item']);
    expect(await bad((d) => ({ ...d, questionnaire: { ...d.questionnaire, scoring: { total: 'median' } } }))).toContain('questionnaire.scoring.total');
    expect(await bad((d) => ({ ...d, extra: true }))).toEqual(['extra']);
  });

  it('a draft is not yet in the catalogue, and cannot be recorded', async () => {
    const res = await post(`/v1/organisations/${hillside}/types`, manager, v1);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ code: 'hillside-confidence', version: 1, status: 'draft', owner: { organisationId: hillside } });
    expect(res.json().questionnaire.scoring).toMatchObject({ scoreMin: 0, scoreMax: 16 });
    expect(await catalogueEntry('hillside-confidence')).toBeUndefined();
    const rec = await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-01-10T10:00:00Z', answers: [4, 3, 1, 2] });
    expect(rec.json().errors[0]).toMatchObject({ field: 'type' });
  });

  it('published, it is in the catalogue with its owner; another organisation cannot take its code', async () => {
    const res = await post(`/v1/organisations/${hillside}/types/hillside-confidence/publish`, manager);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: 1, status: 'published' });
    expect(await catalogueEntry('hillside-confidence')).toMatchObject({ version: 1, owner: { organisationId: hillside, organisationName: 'Hillside' }, category: 'can-do' });
    const theirs = await post(`/v1/organisations/${(await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(otherManager.token) })).json().organisationId}/types`, otherManager, v1);
    expect(theirs.json().errors[0]).toMatchObject({ field: 'code' });
    expect((await post(`/v1/organisations/${hillside}/types/hillside-confidence/publish`, manager)).statusCode, 'nothing left to publish').toBe(404);
  });
});

describe('records of it, scored by the service', () => {
  it('scores by the definition: reverse item, band, flag, typeVersion', async () => {
    const a = await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-01-10T10:00:00Z', answers: [4, 3, 1, 2] });
    expect(a.statusCode, a.body).toBe(201);
    // 4 + 3 + (0 + 4 − 1) + 2 = 12 → high
    expect(a.json()).toMatchObject({ category: 'can-do', score: 12, band: 'high', flags: [], typeVersion: 1 });
    const b = await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-01-11T10:00:00Z', answers: [0, 1, 4, 1] });
    // 0 + 1 + 0 + 1 = 2 → low; item 1 is 0 → needs-call
    expect(b.json()).toMatchObject({ score: 2, band: 'low', flags: ['needs-call'], typeVersion: 1 });
    const wrong = await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-01-11T10:00:00Z', answers: [5, 1, 4] });
    expect(wrong.json().errors[0]).toMatchObject({ field: 'answers' });
  });

  it('a grant may name it, and a supporter may watch it and follow its trend', async () => {
    await grant(t.app, sam, { grantee: { accountId: worker.accountId }, categories: ['can-do'], types: ['hillside-confidence'] });
    const watch = await post(`/v1/subjects/${sam.subjectId}/watches`, worker, { type: 'hillside-confidence', flag: 'needs-call' });
    expect(watch.statusCode, watch.body).toBe(201);
    const low = await post(`/v1/subjects/${sam.subjectId}/watches`, worker, { type: 'hillside-confidence', field: 'score', op: 'le', threshold: 5 });
    expect(low.statusCode, low.body).toBe(201);
    await addRecord(t.app, sam, { type: 'hillside-confidence', effectiveAt: '2026-02-10T10:00:00Z', answers: [0, 0, 4, 0] });
    const alerts = (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(worker.token) })).json().items;
    expect(alerts.map((a: { watchId: string }) => a.watchId).sort()).toEqual([watch.json().id, low.json().id].sort());
    const trend = (await t.app.inject({ method: 'GET', url: `/v1/subjects/${sam.subjectId}/trends?type=hillside-confidence`, headers: bearer(worker.token) })).json();
    expect(trend).toMatchObject({ change: -12, direction: 'worse', meaningful: true, meaningfulChange: { threshold: 3 } });
  });

  it('a change is a new version: drafts leave version 1 in use until published', async () => {
    const draft = await post(`/v1/organisations/${hillside}/types`, manager, v2);
    expect(draft.json()).toMatchObject({ version: 2, status: 'draft' });
    expect((await catalogueEntry('hillside-confidence'))?.version).toBe(1);
    expect((await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-02-11T10:00:00Z', answers: [1, 1, 1, 1] })).json().typeVersion).toBe(1);
    expect((await post(`/v1/organisations/${hillside}/types/hillside-confidence/publish`, admin)).json()).toMatchObject({ version: 2, status: 'published' });
    const five = await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-02-12T10:00:00Z', answers: [4, 4, 0, 4, 4] });
    expect(five.json()).toMatchObject({ score: 20, band: 'high', typeVersion: 2 });
    expect((await post('/v1/me/records', sam, { type: 'hillside-confidence', effectiveAt: '2026-02-12T10:00:00Z', answers: [1, 1, 1, 1] })).statusCode).toBe(400);
    const listed = (await t.app.inject({ method: 'GET', url: `/v1/organisations/${hillside}/types`, headers: bearer(manager.token) })).json().items;
    expect(listed.map((d: { version: number; status: string }) => [d.version, d.status])).toEqual([[1, 'published'], [2, 'published']]);
  });

  it('exports as a QuestionnaireResponse with the items of the version that scored it', async () => {
    const bundle = (await t.app.inject({ method: 'GET', url: '/v1/me/export?format=fhir', headers: bearer(sam.token) })).json();
    const responses = bundle.entry.map((e: { resource: Record<string, unknown> }) => e.resource).filter((r: { resourceType: string; questionnaire?: string }) => r.resourceType === 'QuestionnaireResponse' && r.questionnaire?.includes('hillside-confidence'));
    const byVersion = (v: number) => responses.filter((r: { questionnaire: string }) => r.questionnaire.endsWith(`/Questionnaire/hillside-confidence|${v}`));
    expect(byVersion(1).length).toBe(4);
    expect(byVersion(2).length).toBe(1);
    expect(byVersion(1)[0].item.map((i: { text: string }) => i.text)).toEqual(['Leaving the house', 'Using the bus', 'Worrying about going out', 'Meeting new people']);
    expect(byVersion(2)[0].item.map((i: { text: string }) => i.text)).toEqual(['Leaving the house', 'Using the bus', 'Worrying about going out', 'Meeting new people', 'Going somewhere new']);
  });

  it('aggregates count it: eight people 12 → 16 (version 1 then 2), a mean change of 4, all meaningful', async () => {
    for (let i = 0; i < 8; i++) {
      const p = await signUpCitizen(t.app);
      await grant(t.app, p, { grantee: { organisationId: hillside }, access: 'aggregate', purpose: 'outcome-reporting', categories: ['can-do'] });
      await addRecord(t.app, p, { type: 'hillside-confidence', effectiveAt: '2026-04-10T10:00:00Z', answers: [4, 3, 1, 2, 0] });
      await addRecord(t.app, p, { type: 'hillside-confidence', effectiveAt: '2026-05-10T10:00:00Z', answers: [4, 4, 0, 4, 0] });
    }
    const ask = async (measure: string) =>
      (await post('/v1/outcomes/query', worker, { type: 'hillside-confidence', measure, from: '2026-04', to: '2026-06' })).json().cells;
    expect(await ask('change')).toEqual([{ group: {}, n: 10, suppressed: false, value: 4 }]);
    expect(await ask('meaningful-change')).toEqual([{ group: {}, n: 10, suppressed: false, value: 1 }]);
  });
});

describe('a person defines a measure of their own', () => {
  const mine = {
    code: 'my-sleep-quality',
    label: 'How well I slept',
    description: 'My own one-question check of last night’s sleep.',
    category: 'healthy-living',
    kind: 'questionnaire',
    questionnaire: {
      itemMin: 1,
      itemMax: 5,
      items: [{ n: 1, label: 'Woke up rested', answers: [{ value: 1, label: 'Not at all' }, { value: 5, label: 'Completely' }] }],
      scoring: { total: 'sum' },
    },
  };

  it('draft, publish, record, follow; its definition is sealed; nobody else can record it', async () => {
    expect((await post('/v1/me/types', sam, { ...mine, code: 'sleep-quality' })).json().errors[0]).toMatchObject({ field: 'code' });
    expect((await post('/v1/me/types', sam, mine)).json()).toMatchObject({ version: 1, status: 'draft', owner: { subjectId: sam.subjectId } });
    expect((await post('/v1/me/records', sam, { type: 'my-sleep-quality', effectiveAt: '2026-03-01T07:00:00Z', answers: [2] })).statusCode).toBe(400);
    expect((await post('/v1/me/types/my-sleep-quality/publish', sam)).json()).toMatchObject({ version: 1, status: 'published' });
    expect((await post('/v1/me/records', sam, { type: 'my-sleep-quality', effectiveAt: '2026-03-01T07:00:00Z', answers: [2] })).json()).toMatchObject({ score: 2, typeVersion: 1, category: 'healthy-living' });
    await addRecord(t.app, sam, { type: 'my-sleep-quality', effectiveAt: '2026-03-02T07:00:00Z', answers: [4] });
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/trends?type=my-sleep-quality', headers: bearer(sam.token) })).json()).toMatchObject({ change: 2, meaningful: null });
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/records?type=my-sleep-quality', headers: bearer(sam.token) })).json().items).toHaveLength(2);
    expect(await catalogueEntry('my-sleep-quality'), 'not in the shared catalogue').toBeUndefined();
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/types', headers: bearer(sam.token) })).json().items).toHaveLength(1);

    const rows = t.sqlite().db.$client.prepare('SELECT definition, sealed_definition FROM type_definitions WHERE code = ?').all('my-sleep-quality') as { definition: string | null; sealed_definition: Buffer }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.definition).toBeNull();
    expect(rows[0]!.sealed_definition.toString('latin1')).not.toContain('Woke up rested');

    const other = await signUpCitizen(t.app);
    expect((await post('/v1/me/records', other, { type: 'my-sleep-quality', effectiveAt: '2026-03-01T07:00:00Z', answers: [2] })).json().errors[0]).toMatchObject({ field: 'type' });
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/types', headers: bearer(other.token) })).json().items).toEqual([]);

    // A person's own measures go with them when they erase themselves.
    expect((await post('/v1/me/types', other, { ...mine, code: 'my-own-thing' })).statusCode).toBe(201);
    const erased = await t.app.inject({ method: 'DELETE', url: '/v1/me', headers: bearer(other.token), payload: { password: other.password } });
    expect(erased.statusCode, erased.body).toBeLessThan(300);
    expect(t.sqlite().db.$client.prepare('SELECT count(*) AS n FROM type_definitions WHERE subject_id = ?').get(other.subjectId)).toEqual({ n: 0 });
  });

  it('a grant may name it', async () => {
    const res = await post('/v1/me/grants', sam, { grantee: { accountId: worker.accountId }, access: 'read', purpose: 'self-management', categories: ['healthy-living'], types: ['my-sleep-quality'] });
    expect(res.statusCode, res.body).toBe(201);
    const read = (await t.app.inject({ method: 'GET', url: `/v1/subjects/${sam.subjectId}/records?type=my-sleep-quality`, headers: bearer(worker.token) })).json();
    expect(read.items).toHaveLength(2);
  });
});
