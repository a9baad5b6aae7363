import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

/** The category codes, after the Open Outcomes map, plus goals and notes. */
const designCategories = [
  'mental-wellbeing', 'wellbeing', 'health-status', 'healthy-living', 'long-term-conditions', 'substance-use',
  'social-connections', 'meaningful-activity', 'can-do', 'independent-living', 'home', 'money', 'work',
  'employability', 'education', 'safety', 'civic-involvement', 'goals', 'notes',
];

/** Each type's default category. */
const designDefaults: Record<string, string> = {
  swemwbs: 'mental-wellbeing',
  wemwbs: 'mental-wellbeing',
  phq9: 'mental-wellbeing',
  gad7: 'mental-wellbeing',
  ons4: 'wellbeing',
  ucla3: 'social-connections',
  'heart-rate': 'health-status',
  'blood-pressure': 'health-status',
  'blood-glucose': 'health-status',
  weight: 'health-status',
  bmi: 'health-status',
  steps: 'healthy-living',
  'sleep-duration': 'healthy-living',
  goal: 'goals',
  note: 'notes',
};

/** The fuller catalogue (issue #15), with the categories chosen for them. */
const addedDefaults: Record<string, string> = {
  'audit-c': 'substance-use',
  gse: 'can-do',
  brs: 'can-do',
  'self-rated-health': 'health-status',
  need: 'independent-living',
  // Open mHealth / IEEE 1752.1 physical-activity data points are imported as this (docs/imports.md).
  'physical-activity': 'healthy-living',
  // Feedback on support (issue #14, docs/care-team.md).
  'support-feedback': 'wellbeing',
};

/** docs/api.md "Records": the fixed unit of each measure. */
const designUnits: Record<string, string> = {
  'heart-rate': '/min',
  steps: '1',
  'sleep-duration': 'h',
  'blood-glucose': 'mmol/L',
  'blood-pressure': 'mm[Hg]',
  weight: 'kg',
  bmi: 'kg/m2',
};

interface TypeEntry {
  code: string;
  label: string;
  category: string;
  kind: string;
  questionnaire?: { itemMin: number; itemMax: number; items: unknown[]; scoring: { bands?: { code: string; min: number; max: number }[] } };
  measure?: { unit: string; units: { code: string }[] };
  codes: { loinc?: { system: string; code: string }; snomed?: { system: string; code: string } };
  licence: string | null;
}

async function types(): Promise<TypeEntry[]> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/catalogue/types' });
  expect(res.statusCode).toBe(200);
  return res.json().items;
}

describe('categories', () => {
  it('lists every category with a label, description and domain', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/catalogue/categories' });
    expect(res.statusCode).toBe(200);
    const items: { code: string; label: string; description: string; domain: string }[] = res.json().items;
    expect(items.map((c) => c.code).sort()).toEqual([...designCategories].sort());
    for (const c of items) {
      expect(Object.keys(c).sort()).toEqual(['code', 'description', 'domain', 'label']);
      expect(c.label.length).toBeGreaterThan(0);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.domain.length).toBeGreaterThan(0);
    }
  });
});

describe('types', () => {
  it('lists exactly the original type codes and the fuller catalogue’s additions, each with its default category', async () => {
    const items = await types();
    expect(Object.fromEntries(items.map((i) => [i.code, i.category]))).toEqual({ ...designDefaults, ...addedDefaults });
    for (const i of items) {
      expect(i.label.length).toBeGreaterThan(0);
      expect(['questionnaire', 'measure', 'text']).toContain(i.kind);
    }
  });

  it('every measure has its fixed unit, accepted on input', async () => {
    const items = await types();
    for (const [code, unit] of Object.entries(designUnits)) {
      const m = items.find((i) => i.code === code)!;
      expect(m.kind).toBe('measure');
      expect(m.measure?.unit).toBe(unit);
      expect(m.measure?.units.map((u) => u.code)).toContain(unit);
    }
  });

  it('steps are a count with unit 1', async () => {
    expect((await types()).find((i) => i.code === 'steps')!.measure!.unit).toBe('1');
  });

  it('questionnaires carry their item counts and ranges from their scoring guides', async () => {
    const items = await types();
    const expected: Record<string, [number, number, number]> = {
      swemwbs: [7, 1, 5],
      wemwbs: [14, 1, 5],
      ons4: [4, 0, 10],
      phq9: [9, 0, 3],
      gad7: [7, 0, 3],
      ucla3: [3, 1, 3],
    };
    for (const [code, [n, min, max]] of Object.entries(expected)) {
      const q = items.find((i) => i.code === code)!.questionnaire!;
      expect([q.items.length, q.itemMin, q.itemMax], code).toEqual([n, min, max]);
    }
  });

  it('PHQ-9 and GAD-7 carry their published bands', async () => {
    const items = await types();
    const bands = (code: string) => items.find((i) => i.code === code)!.questionnaire!.scoring.bands!.map((b) => [b.code, b.min, b.max]);
    expect(bands('phq9')).toEqual([
      ['minimal', 0, 4],
      ['mild', 5, 9],
      ['moderate', 10, 14],
      ['moderately-severe', 15, 19],
      ['severe', 20, 27],
    ]);
    expect(bands('gad7')).toEqual([
      ['minimal', 0, 4],
      ['mild', 5, 9],
      ['moderate', 10, 14],
      ['severe', 15, 21],
    ]);
  });

  it('PHQ-9 has LOINC 44261-6', async () => {
    const phq9 = (await types()).find((i) => i.code === 'phq9')!;
    expect(phq9.codes.loinc).toMatchObject({ system: 'http://loinc.org', code: '44261-6' });
  });

  it('SWEMWBS and WEMWBS carry a licence note naming Warwick', async () => {
    const items = await types();
    for (const code of ['swemwbs', 'wemwbs']) {
      const licence = items.find((i) => i.code === code)!.licence;
      expect(licence).toMatch(/licen[cs]e/i);
      expect(licence).toMatch(/Warwick/);
    }
  });

  it('every type names a category that the categories list holds', async () => {
    const cats = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/categories' })).json().items.map((c: { code: string }) => c.code);
    for (const i of await types()) expect(cats).toContain(i.category);
  });
});

describe('the fuller catalogue', () => {
  it('every Open Outcomes category has a type a person can record under it (a need where no instrument fits)', async () => {
    const person = await signUpCitizen(t.app);
    const items = await types();
    for (const category of designCategories) {
      const own = items.find((i) => i.category === category);
      const body = own ? null : { type: 'need', category, effectiveAt: '2026-03-01T10:00:00Z', text: `A need about ${category}`, intensity: 5 };
      if (!body) continue;
      const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(person.token), payload: body });
      expect(res.statusCode, `${category}: ${res.body}`).toBe(201);
    }
  });

  it('every questionnaire says what its literature gives as meaningful change, or that none is published', async () => {
    for (const i of (await types()).filter((x) => x.kind === 'questionnaire')) {
      const mc = (i as unknown as { meaningfulChange?: { threshold: number | null; source: string | null; basis: string } }).meaningfulChange;
      expect(mc, i.code).toBeDefined();
      expect(mc!.basis.length, i.code).toBeGreaterThan(10);
      expect(mc!.threshold === null, `${i.code}: a threshold has a source, and no threshold none`).toBe(mc!.source === null);
    }
  });
});

describe('caching and access', () => {
  it.each(['/v1/catalogue/categories', '/v1/catalogue/types'])('%s is public and cacheable', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toMatch(/\bpublic\b/);
    expect(res.headers['cache-control']).toMatch(/max-age=\d+/);
    expect(res.headers['cache-control']).not.toMatch(/no-store/);
  });
});
