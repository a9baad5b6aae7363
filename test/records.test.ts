import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let alice: Citizen;
let bob: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  alice = await signUpCitizen(t.app);
  bob = await signUpCitizen(t.app);
});
afterAll(() => t.close());

const post = (who: Citizen, payload: object) => t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(who.token), payload });
const get = (who: Citizen, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(who.token) });

function fields(res: { json(): unknown }): string[] {
  return ((res.json() as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field);
}

const at = '2026-03-01T10:00:00Z';

describe('own records', () => {
  it('scores a SWEMWBS questionnaire with the metric conversion', async () => {
    const res = await post(alice, { type: 'swemwbs', effectiveAt: '2026-03-01T10:00:00Z', answers: [3, 4, 3, 4, 3, 4, 3] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type: 'swemwbs', category: 'mental-wellbeing', subjectId: alice.subjectId, rawScore: 24, score: 21.54, flags: [] });
    expect(body.source).toEqual({ kind: 'self', accountId: alice.accountId, organisationId: null });
  });

  it("another person's record is a 404, for reading and deleting", async () => {
    const created = (await post(alice, { type: 'note', effectiveAt: '2026-03-02T10:00:00Z', text: 'private' })).json();
    const read = await t.app.inject({ method: 'GET', url: `/v1/me/records/${created.id}`, headers: bearer(bob.token) });
    expect(read.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${created.id}`, headers: bearer(bob.token) });
    expect(del.statusCode).toBe(404);
    const still = await t.app.inject({ method: 'GET', url: `/v1/me/records/${created.id}`, headers: bearer(alice.token) });
    expect(still.statusCode).toBe(200);
    expect(still.json().text).toBe('private');
  });
});

describe('every record type in docs/api.md "Records" is accepted and echoed', () => {
  const cases: [string, object, object][] = [
    ['swemwbs', { answers: [1, 1, 1, 1, 1, 1, 1] }, { category: 'mental-wellbeing', score: 7, rawScore: 7, flags: [] }],
    ['wemwbs', { answers: Array(14).fill(3) }, { category: 'mental-wellbeing', score: 42, flags: [] }],
    ['phq9', { answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] }, { category: 'mental-wellbeing', score: 8, band: 'mild', flags: [] }],
    ['gad7', { answers: [3, 3, 3, 3, 3, 0, 0] }, { category: 'mental-wellbeing', score: 15, band: 'severe', flags: [] }],
    ['ucla3', { answers: [1, 2, 3] }, { category: 'social-connections', score: 6, flags: [] }],
    ['heart-rate', { value: 72, unit: '/min' }, { category: 'health-status', value: 72, unit: '/min' }],
    ['steps', { value: 8500 }, { category: 'healthy-living', value: 8500, unit: '1' }],
    ['sleep-duration', { value: 7.5, unit: 'h' }, { category: 'healthy-living', value: 7.5, unit: 'h' }],
    ['blood-glucose', { value: 3.6, unit: 'mmol/L' }, { category: 'health-status', value: 3.6, unit: 'mmol/L' }],
    ['blood-pressure', { systolic: 128, diastolic: 82 }, { category: 'health-status', systolic: 128, diastolic: 82, unit: 'mm[Hg]' }],
    ['weight', { value: 70.2, unit: 'kg' }, { category: 'health-status', value: 70.2, unit: 'kg' }],
    ['bmi', { value: 22.5, unit: 'kg/m2' }, { category: 'health-status', value: 22.5, unit: 'kg/m2' }],
    ['goal', { text: 'Walk to the allotment twice a week', progress: 3 }, { category: 'goals', text: 'Walk to the allotment twice a week', progress: 3 }],
    ['note', { text: 'A good week on the whole.' }, { category: 'notes', text: 'A good week on the whole.' }],
  ];

  it.each(cases)('%s', async (type, fieldsIn, expected) => {
    const res = await post(alice, { type, effectiveAt: at, ...fieldsIn });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ type, subjectId: alice.subjectId, effectiveAt: '2026-03-01T10:00:00.000Z', ...expected });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);
    expect(body.source).toEqual({ kind: 'self', accountId: alice.accountId, organisationId: null });
    const again = await get(alice, `/v1/me/records/${body.id}`);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(body);
  });

  it('ons4 answers come back per item with their bands, and no total', async () => {
    const res = await post(alice, { type: 'ons4', effectiveAt: at, answers: [4, 5, 9, 6] });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.category).toBe('wellbeing');
    expect(body.score).toBeUndefined();
    expect(body.band).toBeUndefined();
    expect(body.flags).toEqual([]);
    expect(body.items.map((i: { n: number; value: number; band: string }) => [i.n, i.value, i.band])).toEqual([
      [1, 4, 'low'],
      [2, 5, 'medium'],
      [3, 9, 'very-high'],
      [4, 6, 'high'],
    ]);
    for (const item of body.items) expect(typeof item.label).toBe('string');
  });

  it('blood pressure may also be sent as a value object, and in kPa', async () => {
    const obj = await post(alice, { type: 'blood-pressure', effectiveAt: at, value: { systolic: 120, diastolic: 80 } });
    expect(obj.statusCode, obj.body).toBe(201);
    expect(obj.json()).toMatchObject({ systolic: 120, diastolic: 80, unit: 'mm[Hg]' });
    const kpa = await post(alice, { type: 'blood-pressure', effectiveAt: at, systolic: 16, diastolic: 10.7, unit: 'kPa' });
    expect(kpa.statusCode, kpa.body).toBe(201);
    expect(kpa.json().systolic).toBeCloseTo(120.01, 1);
    expect(kpa.json().entered).toEqual({ systolic: 16, diastolic: 10.7, unit: 'kPa' });
  });

  it('blood glucose in mg/dL is converted to mmol/L, keeping what was entered', async () => {
    const res = await post(alice, { type: 'blood-glucose', effectiveAt: at, value: 65, unit: 'mg/dL' });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.unit).toBe('mmol/L');
    expect(body.value).toBeCloseTo(3.608, 3);
    expect(body.entered).toEqual({ value: 65, unit: 'mg/dL' });
  });

  it('a measure in its canonical unit carries no `entered`', async () => {
    const res = await post(alice, { type: 'weight', effectiveAt: at, value: 70 });
    expect(res.json().entered).toBeUndefined();
  });

  it('PHQ-9 with item 9 above 0 is flagged self-harm-risk whatever the total', async () => {
    const res = await post(alice, { type: 'phq9', effectiveAt: at, answers: [0, 0, 0, 0, 0, 0, 0, 0, 1] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ score: 1, band: 'minimal', flags: ['self-harm-risk'] });
  });

  it('the category may be overridden with another catalogue code', async () => {
    const res = await post(alice, { type: 'note', effectiveAt: at, text: 'about my flat', category: 'home' });
    expect(res.statusCode).toBe(201);
    expect(res.json().category).toBe('home');
    expect((await get(alice, `/v1/me/records/${res.json().id}`)).json().category).toBe('home');
  });

  it('free-form detail is stored and echoed', async () => {
    const detail = { device: 'Meter X', nested: { reading: [1, 2, 3] } };
    const res = await post(alice, { type: 'heart-rate', effectiveAt: at, value: 60, detail });
    expect(res.statusCode).toBe(201);
    expect((await get(alice, `/v1/me/records/${res.json().id}`)).json().detail).toEqual(detail);
  });

  it('answers with 201 and no-store caching', async () => {
    const res = await post(alice, { type: 'steps', effectiveAt: at, value: 10 });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('invalid record bodies are 400s naming the field', () => {
  const cases: [string, object, string][] = [
    ['too few answers', { type: 'phq9', answers: [0, 1, 2] }, 'answers'],
    ['too many answers', { type: 'ucla3', answers: [1, 1, 1, 1] }, 'answers'],
    ['an answer above the item range', { type: 'phq9', answers: [0, 0, 4, 0, 0, 0, 0, 0, 0] }, 'answers.2'],
    ['an answer below the item range', { type: 'swemwbs', answers: [1, 1, 1, 1, 1, 0, 1] }, 'answers.5'],
    ['a non-integer answer', { type: 'gad7', answers: [0, 1.5, 0, 0, 0, 0, 0] }, 'answers.1'],
    ['a string answer', { type: 'gad7', answers: [0, 1, '2', 0, 0, 0, 0] }, 'answers.2'],
    ['no answers on a questionnaire', { type: 'gad7' }, 'answers'],
    ['an unknown type', { type: 'iq-test', value: 1 }, 'type'],
    ['an unknown category', { type: 'note', text: 'x', category: 'astrology' }, 'category'],
    ['a unit that does not convert', { type: 'heart-rate', value: 70, unit: 'kg' }, 'unit'],
    ['a unit that is not UCUM', { type: 'blood-glucose', value: 5, unit: 'mmol' }, 'unit'],
    ['a value above the plausible range', { type: 'heart-rate', value: 900 }, 'value'],
    ['a value below the plausible range', { type: 'blood-glucose', value: 0.1 }, 'value'],
    ['a converted value outside the range', { type: 'blood-glucose', value: 2000, unit: 'mg/dL' }, 'value'],
    ['a missing value', { type: 'weight', unit: 'kg' }, 'value'],
    ['a string value', { type: 'weight', value: '70' }, 'value'],
    ['answers on a measure', { type: 'heart-rate', value: 60, answers: [1, 2] }, 'answers'],
    ['a value on a questionnaire', { type: 'ucla3', answers: [1, 1, 1], value: 3 }, 'value'],
    ['text on a measure', { type: 'steps', value: 100, text: 'walked' }, 'text'],
    ['blood-pressure components on a single-value measure', { type: 'heart-rate', value: 60, systolic: 120 }, 'systolic'],
    ['a blood-pressure component both inside value and beside it', { type: 'blood-pressure', value: { systolic: 120, diastolic: 80 }, systolic: 130 }, 'systolic'],
    ['a single value for blood pressure', { type: 'blood-pressure', value: 120 }, 'value'],
    ['a missing diastolic', { type: 'blood-pressure', systolic: 120 }, 'diastolic'],
    ['a diastolic above the systolic', { type: 'blood-pressure', systolic: 80, diastolic: 120 }, 'diastolic'],
    ['a blank note', { type: 'note', text: '   ' }, 'text'],
    ['progress on a note', { type: 'note', text: 'x', progress: 3 }, 'progress'],
    ['progress out of range', { type: 'goal', text: 'x', progress: 11 }, 'progress'],
    ['a non-integer progress', { type: 'goal', text: 'x', progress: 2.5 }, 'progress'],
    ['an unknown field', { type: 'note', text: 'x', mood: 'fine' }, 'mood'],
    ['detail that is not an object', { type: 'note', text: 'x', detail: 'free text' }, 'detail'],
  ];

  it.each(cases)('%s', async (_why, body, field) => {
    const res = await post(alice, { effectiveAt: at, ...body });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('TESSERA_VALIDATION');
    expect(fields(res)).toContain(field);
  });

  it.each([
    ['missing', undefined],
    ['not a date-time', 'yesterday'],
    ['without a time zone', '2026-03-01T10:00:00'],
    ['before 1900', '1899-12-31T23:00:00Z'],
    ['days in the future', new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString()],
  ])('an effectiveAt that is %s', async (_why, effectiveAt) => {
    const res = await post(alice, { type: 'note', text: 'x', ...(effectiveAt === undefined ? {} : { effectiveAt }) });
    expect(res.statusCode).toBe(400);
    expect(fields(res)).toContain('effectiveAt');
  });

  it('stores nothing when a body is refused', async () => {
    const fresh = await signUpCitizen(t.app);
    await post(fresh, { type: 'phq9', effectiveAt: at, answers: [9] });
    const list = await get(fresh, '/v1/me/records');
    expect(list.json().items).toEqual([]);
  });
});

describe('a record is filed only under a category its type allows', () => {
  it('refuses a PHQ-9 filed under goals with a 400 naming category and the allowed values, storing nothing', async () => {
    const p = await signUpCitizen(t.app);
    const res = await post(p, { type: 'phq9', category: 'goals', effectiveAt: at, answers: [0, 1, 1, 0, 2, 1, 0, 0, 1] });
    expect(res.statusCode).toBe(400);
    const [e] = res.json().errors;
    expect(e).toMatchObject({ field: 'category', in: 'body' });
    expect(e.detail).toContain('mental-wellbeing');
    expect(e.detail).toContain('"goals"');
    expect((await get(p, '/v1/me/records')).json().items).toEqual([]);
  });

  it('takes a category the catalogue lists for the type, and the default when none is sent', async () => {
    const types = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/types' })).json().items as { code: string; category: string; categories: string[] }[];
    const hr = types.find((x) => x.code === 'heart-rate')!;
    expect(hr.categories[0]).toBe(hr.category);
    expect(hr.categories).toContain('mental-wellbeing');
    for (const ty of types) expect(ty.categories[0], ty.code).toBe(ty.category);
    expect(types.find((x) => x.code === 'phq9')!.categories).toEqual(['mental-wellbeing']);
    const moved = await post(alice, { type: 'heart-rate', category: 'mental-wellbeing', effectiveAt: at, value: 110 });
    expect(moved.statusCode).toBe(201);
    expect(moved.json().category).toBe('mental-wellbeing');
    const note = await post(alice, { type: 'note', category: 'money', effectiveAt: at, text: 'Rent went up' });
    expect(note.statusCode).toBe(201);
    const weight = await post(alice, { type: 'weight', category: 'home', effectiveAt: at, value: 70 });
    expect(weight.statusCode).toBe(400);
    expect(weight.json().errors[0].detail).toMatch(/only under health-status/);
  });
});

describe('safety signposting', () => {
  it('a PHQ-9 raising self-harm-risk tells the person where to get help, in the answer and the record view; others do not', async () => {
    const p = await signUpCitizen(t.app);
    const res = await post(p, { type: 'phq9', effectiveAt: at, answers: [0, 1, 1, 0, 2, 1, 0, 0, 1] });
    expect(res.statusCode).toBe(201);
    expect(res.json().flags).toContain('self-harm-risk');
    expect(res.json().signposting).toMatch(/Samaritans free on 116 123/);
    expect((await get(p, `/v1/me/records/${res.json().id}`)).json().signposting).toBe(res.json().signposting);
    const calm = await post(p, { type: 'phq9', effectiveAt: at, answers: [0, 1, 1, 0, 2, 1, 0, 0, 0] });
    expect(calm.json().signposting).toBeUndefined();
  });

  it('the text comes from TESSERA_SIGNPOSTING', async () => {
    const other = await buildTestApp({ env: { TESSERA_SIGNPOSTING: 'Call Lifeline on 13 11 14.' } });
    try {
      const p = await signUpCitizen(other.app);
      const res = await other.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(p.token), payload: { type: 'phq9', effectiveAt: at, answers: [3, 3, 3, 3, 3, 3, 3, 3, 3] } });
      expect(res.json().signposting).toBe('Call Lifeline on 13 11 14.');
    } finally {
      await other.close();
    }
  });
});

describe('validation names every problem at once, with the fix', () => {
  it('an unknown type suggests the nearest codes and a zone-less date says to add a time zone, in one answer', async () => {
    const res = await post(alice, { type: 'PHQ9', effectiveAt: '2026-03-01T10:00:00', answers: [1] });
    expect(res.statusCode).toBe(400);
    const byField = Object.fromEntries(res.json().errors.map((e: { field: string; detail: string }) => [e.field, e.detail]));
    expect(byField.type).toMatch(/did you mean phq9\?/);
    expect(byField.effectiveAt).toMatch(/add a time zone, e\.g\. Z/);
    expect((await post(alice, { type: 'heartrate', effectiveAt: at, value: 60 })).json().errors[0].detail).toMatch(/did you mean heart-rate/);
    expect((await post(alice, { type: 'zzzzzzzz', effectiveAt: at, value: 60 })).json().errors[0].detail).not.toMatch(/did you mean/);
  });

  it('a list filter with an unknown type or a zone-less bound says so', async () => {
    const res = await get(alice, '/v1/me/records?type=GAD7&from=2026-03-01T10:00');
    expect(res.statusCode).toBe(400);
    const details = res.json().errors.map((e: { detail: string }) => e.detail).join(' | ');
    expect(details).toMatch(/did you mean gad7/);
    expect(details).toMatch(/add a time zone/);
  });
});

describe('listing', () => {
  let carol: Citizen;
  const ids: string[] = [];
  // 7 records, created out of order, at distinct effective times (one pair shares a time).
  const times = ['2026-01-05T09:00:00Z', '2026-01-01T09:00:00Z', '2026-01-07T09:00:00Z', '2026-01-03T09:00:00Z', '2026-01-03T09:00:00Z', '2026-01-06T23:59:59Z', '2026-01-02T00:00:00Z'];

  beforeAll(async () => {
    carol = await signUpCitizen(t.app);
    for (const [i, effectiveAt] of times.entries()) {
      const body = i % 2 === 0 ? { type: 'heart-rate', value: 60 + i } : { type: 'note', text: `note ${i}` };
      const res = await post(carol, { effectiveAt, ...body });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
    }
  });

  it('pages newest first by effectiveAt with an opaque cursor, without duplicates or gaps', async () => {
    const seen: { id: string; effectiveAt: string }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/me/records?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await get(carol, url);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      pages++;
      expect(body.items.length).toBeLessThanOrEqual(3);
      seen.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(seen.map((r) => r.id)).size).toBe(7);
    const times = seen.map((r) => Date.parse(r.effectiveAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('the last page has a null nextCursor', async () => {
    const res = await get(carol, '/v1/me/records?limit=7');
    expect(res.json().items).toHaveLength(7);
    expect(res.json().nextCursor).toBeNull();
  });

  it('filters by category', async () => {
    const res = await get(carol, '/v1/me/records?category=notes');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(3);
    expect(res.json().items.every((r: { category: string }) => r.category === 'notes')).toBe(true);
  });

  it('filters by several categories', async () => {
    const res = await get(carol, '/v1/me/records?category=notes&category=health-status');
    expect(res.json().items).toHaveLength(7);
  });

  it('filters by type', async () => {
    const res = await get(carol, '/v1/me/records?type=heart-rate');
    expect(res.json().items).toHaveLength(4);
    expect(res.json().items.every((r: { type: string }) => r.type === 'heart-rate')).toBe(true);
  });

  it('filters by a from/to window, a date-only `to` including that whole day', async () => {
    const res = await get(carol, '/v1/me/records?from=2026-01-03&to=2026-01-06');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((r: { effectiveAt: string }) => r.effectiveAt)).toEqual([
      '2026-01-06T23:59:59.000Z',
      '2026-01-05T09:00:00.000Z',
      '2026-01-03T09:00:00.000Z',
      '2026-01-03T09:00:00.000Z',
    ]);
  });

  it('filters by date-time bounds, inclusive', async () => {
    const res = await get(carol, `/v1/me/records?from=${encodeURIComponent('2026-01-02T00:00:00Z')}&to=${encodeURIComponent('2026-01-03T09:00:00Z')}`);
    expect(res.json().items).toHaveLength(3);
  });

  it('pages through a filtered list', async () => {
    const first = (await get(carol, '/v1/me/records?type=heart-rate&limit=2')).json();
    expect(first.items).toHaveLength(2);
    const second = (await get(carol, `/v1/me/records?type=heart-rate&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json();
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((r: { id: string }) => r.id)).size).toBe(4);
  });

  it('shows only the caller’s own records', async () => {
    const res = await get(bob, '/v1/me/records?limit=500');
    expect(res.json().items.some((r: { id: string }) => ids.includes(r.id))).toBe(false);
  });

  it.each([
    ['a cursor that is not ours', 'cursor=not-a-cursor', 'cursor'],
    ['a cursor of the wrong shape', `cursor=${Buffer.from(JSON.stringify({ e: 'x', i: 1 })).toString('base64url')}`, 'cursor'],
    ['limit 501', 'limit=501', 'limit'],
    ['limit 0', 'limit=0', 'limit'],
    ['a non-numeric limit', 'limit=ten', 'limit'],
    ['an unknown category', 'category=astrology', 'category'],
    ['an unknown type', 'type=iq-test', 'type'],
    ['a bad from', 'from=2026-13-45', 'from'],
    ['an impossible day', 'from=2026-02-30T00:00:00Z', 'from'],
    ['a local time without a zone', 'to=2026-03-01T10:00:00', 'to'],
    ['an English date', 'from=Sun%20Mar%2001%202026', 'from'],
    ['to before from', 'from=2026-02-01&to=2026-01-01', 'to'],
    ['an unknown parameter', 'colour=blue', 'colour'],
  ])('%s is a 400 naming the parameter', async (_why, qs, field) => {
    const res = await get(carol, `/v1/me/records?${qs}`);
    expect(res.statusCode, res.body).toBe(400);
    expect(fields(res)).toContain(field);
    expect(res.json().errors.find((e: { field: string }) => e.field === field).in).toBe('query');
  });
});

describe('reading and deleting one record', () => {
  it('another person’s record is a 404 to read and to delete, and survives', async () => {
    const mine = (await post(alice, { type: 'goal', effectiveAt: at, text: 'secret goal', progress: 1 })).json();
    expect((await get(bob, `/v1/me/records/${mine.id}`)).statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${mine.id}`, headers: bearer(bob.token) });
    expect(del.statusCode).toBe(404);
    expect(del.headers['content-type']).toMatch(/^application\/problem\+json/);
    const still = await get(alice, `/v1/me/records/${mine.id}`);
    expect(still.statusCode).toBe(200);
    expect(still.json().text).toBe('secret goal');
  });

  it('deleting one’s own record is a 204, then a 404', async () => {
    const mine = (await post(alice, { type: 'note', effectiveAt: at, text: 'to delete' })).json();
    const del = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${mine.id}`, headers: bearer(alice.token) });
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    expect((await get(alice, `/v1/me/records/${mine.id}`)).statusCode).toBe(404);
    const again = await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${mine.id}`, headers: bearer(alice.token) });
    expect(again.statusCode).toBe(404);
  });

  it('an id that does not exist is a 404', async () => {
    expect((await get(alice, '/v1/me/records/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('an id that is not a UUID is a 400 naming id', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url: '/v1/me/records/not-a-uuid', headers: bearer(alice.token) });
      expect(res.statusCode).toBe(400);
      expect(fields(res)).toEqual(['id']);
      expect(res.json().errors[0].in).toBe('params');
    }
  });

  it('records need a token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/me/records' })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/v1/me/records', payload: { type: 'note', effectiveAt: at, text: 'x' } })).statusCode).toBe(401);
  });
});

describe('bad input never yields a 5xx', () => {
  const keys = ['type', 'effectiveAt', 'category', 'answers', 'value', 'unit', 'systolic', 'diastolic', 'text', 'progress', 'detail'];
  const typeCodes = ['swemwbs', 'wemwbs', 'ons4', 'phq9', 'gad7', 'ucla3', 'heart-rate', 'steps', 'sleep-duration', 'blood-glucose', 'blood-pressure', 'weight', 'bmi', 'goal', 'note'];
  const value = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(...typeCodes),
    fc.array(fc.integer({ min: -2, max: 12 }), { maxLength: 16 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.date({ noInvalidDate: true, min: new Date('1800-01-01'), max: new Date('2100-01-01') }).map((d) => d.toISOString()),
  );
  const body = fc.oneof(
    fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length }),
    fc.record({ type: fc.constantFrom(...typeCodes), effectiveAt: fc.constant(at) }, { requiredKeys: ['type'] }).chain((base) =>
      fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 4 }).map((extra) => ({ ...extra, ...base })),
    ),
    fc.jsonValue(),
  );

  it('random record bodies get 201 or a 4xx problem, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/v1/me/records',
          headers: { ...bearer(bob.token), 'content-type': 'application/json' },
          payload: JSON.stringify(b) ?? 'null',
        });
        expect(res.statusCode, `${JSON.stringify(b)} → ${res.body}`).toBeLessThan(500);
        if (res.statusCode !== 201) {
          expect(res.statusCode).toBeGreaterThanOrEqual(400);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
      }),
      { numRuns: 300 },
    );
  });

  /** Posts a note whose `detail` is this raw JSON text, as a client would send it. */
  const noteWithDetail = (detail: string) =>
    t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: { ...bearer(bob.token), 'content-type': 'application/json' },
      payload: `{"type":"note","effectiveAt":"${at}","text":"x","detail":${detail}}`,
    });

  it('prototype-polluting keys are refused, not merged', async () => {
    const res = await noteWithDetail('{"__proto__":{"polluted":true}}');
    expect(res.statusCode).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Spelled with escapes, and through constructor.prototype: refused alike.
    for (const detail of ['{"\\u005f_proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":{"\\u0063onstructor":{"prototype":{"polluted":true}}}}']) {
      const bad = await noteWithDetail(detail);
      expect(bad.statusCode, detail).toBe(400);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a NUL character anywhere in a body is refused naming where it is', async () => {
    for (const [detail, field] of [
      ['{"a":"x\\u0000y"}', 'detail.a'],
      ['{"list":["ok","no\\u0000"]}', 'detail.list.1'],
      ['{"k\\u0000":1}', 'detail.k\u0000'],
      ['{"a/b":{"c~d":"\\u0000"}}', 'detail.a~1b.c~0d'],
    ] as const) {
      const res = await noteWithDetail(detail);
      expect(res.statusCode, detail).toBe(400);
      expect(res.json().errors[0], detail).toMatchObject({ field, detail: 'must not contain NUL (U+0000) characters' });
    }
  });

  it('random list queries get 200 or a 400, never a 5xx', async () => {
    const param = fc.constantFrom('category', 'type', 'from', 'to', 'cursor', 'limit');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(param, fc.string({ maxLength: 40 })), { maxLength: 5 }), async (pairs) => {
        const qs = new URLSearchParams(pairs).toString();
        const res = await get(bob, `/v1/me/records?${qs}`);
        expect([200, 400], `${qs} → ${res.body}`).toContain(res.statusCode);
      }),
      { numRuns: 200 },
    );
  });
});
