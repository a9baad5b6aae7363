import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../src/errors.js';
import { catalogue } from '../../src/features/catalogue/catalogue.js';
import fc from 'fast-check';
import { grantsCovering, matches, momentsOf, queryPredicate } from '../../src/core/slice.js';
import { readScope } from '../../src/features/records/slice.js';
import type { GrantRow } from '../../src/storage/contract.js';

const subjectId = '0190a000-0000-7000-8000-0000000000aa';
let n = 0;

function grantRow(terms: Partial<Pick<GrantRow, 'categories' | 'types' | 'fromAt' | 'toAt'>>): GrantRow {
  n += 1;
  return {
    id: `grant-${n}`,
    subjectId,
    granteeAccountId: 'supporter',
    granteeOrganisationId: null,
    members: null,
    shareName: false,
    access: 'read',
    categories: ['mental-wellbeing'],
    types: null,
    fromAt: null,
    toAt: null,
    purpose: 'direct-care',
    sealedPurposeText: null,
    expiresAt: Number.MAX_SAFE_INTEGER,
    createdAt: 0,
    revokedAt: null,
    revokedReason: null,
    requestId: null,
    receipt: 'jws',
    revocationReceipt: null,
    integrity: null,
    ...terms,
  };
}

const query = (q: { categories?: string[]; types?: string[] } = {}) => ({ limit: 50, ...q });

function refusal(fn: () => unknown): ForbiddenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ForbiddenError);
    return e as ForbiddenError;
  }
  throw new Error('expected a ForbiddenError');
}

describe('readScope', () => {
  const mental = grantRow({ categories: ['mental-wellbeing'], fromAt: 1000, toAt: 2000 });
  const heartOnly = grantRow({ categories: ['health-status'], types: ['heart-rate'] });

  it('with no filter, scopes the read to the union of the grants’ slices', () => {
    expect(readScope(catalogue, subjectId, [mental, heartOnly], query())).toEqual({
      subjectId,
      slices: [
        { categories: ['mental-wellbeing'], types: null, from: 1000, to: 2000 },
        { categories: ['health-status'], types: ['heart-rate'], from: null, to: null },
      ],
    });
  });

  it('the filter narrows nothing in the scope itself: the storage query intersects it', () => {
    const scope = readScope(catalogue, subjectId, [mental, heartOnly], query({ categories: ['mental-wellbeing'], types: ['phq9'] }));
    expect(scope.slices).toHaveLength(2);
    expect(scope.subjectId).toBe(subjectId);
  });

  it('accepts a category some grant holds, and refuses one none holds, naming it', () => {
    expect(() => readScope(catalogue, subjectId, [mental, heartOnly], query({ categories: ['health-status', 'mental-wellbeing'] }))).not.toThrow();
    const e = refusal(() => readScope(catalogue, subjectId, [mental, heartOnly], query({ categories: ['mental-wellbeing', 'notes'] })));
    expect(e.message).toBe('Category "notes" is outside every grant you hold for this person');
  });

  it('accepts a type whose home category a whole-category grant holds', () => {
    expect(() => readScope(catalogue, subjectId, [mental], query({ types: ['phq9', 'gad7'] }))).not.toThrow();
  });

  it('refuses a type whose home category no grant holds, naming it', () => {
    const e = refusal(() => readScope(catalogue, subjectId, [mental], query({ types: ['phq9', 'heart-rate'] })));
    expect(e.message).toBe('Type "heart-rate" is outside every grant you hold for this person');
  });

  it('a typed grant covers exactly its types, not the rest of its category', () => {
    expect(() => readScope(catalogue, subjectId, [heartOnly], query({ types: ['heart-rate'] }))).not.toThrow();
    refusal(() => readScope(catalogue, subjectId, [heartOnly], query({ types: ['weight'] })));
    // Naming the category as well does not widen a typed grant.
    refusal(() => readScope(catalogue, subjectId, [heartOnly], query({ categories: ['health-status'], types: ['weight'] })));
  });

  it('an unknown type is covered only where the query also names a category a whole-category grant holds', () => {
    refusal(() => readScope(catalogue, subjectId, [mental], query({ types: ['made-up'] })));
    expect(() => readScope(catalogue, subjectId, [mental], query({ categories: ['mental-wellbeing'], types: ['made-up'] }))).not.toThrow();
  });

  it('a type filed under a granted category named in the query counts for a whole-category grant', () => {
    // heart-rate's home is health-status; a record of it filed under mental-wellbeing is in this grant's slice.
    expect(() => readScope(catalogue, subjectId, [mental], query({ categories: ['mental-wellbeing'], types: ['heart-rate'] }))).not.toThrow();
  });

  it('checks each type against some grant: one grant per type is enough', () => {
    expect(() => readScope(catalogue, subjectId, [mental, heartOnly], query({ types: ['phq9', 'heart-rate'] }))).not.toThrow();
  });

  it('with no grants, refuses any named category or type and scopes to nothing', () => {
    refusal(() => readScope(catalogue, subjectId, [], query({ categories: ['mental-wellbeing'] })));
    refusal(() => readScope(catalogue, subjectId, [], query({ types: ['phq9'] })));
    expect(readScope(catalogue, subjectId, [], query())).toEqual({ subjectId, slices: [] });
  });
});

describe('grantsCovering', () => {
  const record = { category: 'mental-wellbeing', type: 'phq9', effectiveAt: 1500 };

  it('keeps grants whose category, types and window all hold the record', () => {
    const whole = grantRow({});
    const typed = grantRow({ types: ['phq9'] });
    const windowed = grantRow({ fromAt: 1500, toAt: 1500 });
    expect(grantsCovering([whole, typed, windowed], record)).toEqual([whole, typed, windowed]);
  });

  it('drops a grant of another category', () => {
    const other = grantRow({ categories: ['health-status'] });
    expect(grantsCovering([other], record)).toEqual([]);
  });

  it('drops a typed grant that lists other types only', () => {
    const typed = grantRow({ types: ['gad7'] });
    expect(grantsCovering([typed], record)).toEqual([]);
  });

  it('drops a grant whose window starts after the record, or ends before it (bounds inclusive)', () => {
    expect(grantsCovering([grantRow({ fromAt: 1501 })], record)).toEqual([]);
    expect(grantsCovering([grantRow({ toAt: 1499 })], record)).toEqual([]);
    expect(grantsCovering([grantRow({ fromAt: 1500 })], record)).toHaveLength(1);
    expect(grantsCovering([grantRow({ toAt: 1500 })], record)).toHaveLength(1);
  });

  it('a grant with no window covers records from before 1970 too', () => {
    const old = { category: 'mental-wellbeing', type: 'phq9', effectiveAt: -86_400_000 };
    expect(grantsCovering([grantRow({})], old)).toHaveLength(1);
    expect(grantsCovering([grantRow({ fromAt: -86_400_000, toAt: -86_400_000 })], old)).toHaveLength(1);
    expect(grantsCovering([grantRow({ fromAt: -86_399_999 })], old)).toEqual([]);
  });

  it('keeps the covering grants among several, in order', () => {
    const a = grantRow({});
    const b = grantRow({ categories: ['notes'] });
    const c = grantRow({ fromAt: 0, toAt: 2000 });
    expect(grantsCovering([a, b, c], record)).toEqual([a, c]);
  });
});

describe('momentsOf', () => {
  it('gives the same answer as matches for every moment, for any scope and filter', () => {
    const categories = ['mental-wellbeing', 'health-status'];
    const types = ['heart-rate', 'phq9'];
    const bound = fc.option(fc.integer({ min: -20, max: 20 }), { nil: null });
    const slice = fc.record({ categories: fc.option(fc.subarray(categories), { nil: null }), types: fc.option(fc.subarray(types), { nil: null }), from: bound, to: bound });
    fc.assert(
      fc.property(fc.array(slice, { maxLength: 4 }), bound, bound, fc.constantFrom(...categories), fc.constantFrom(...types), (slices, from, to, category, type) => {
        const p = queryPredicate({ subjectId, slices }, { ...(from !== null ? { from } : {}), ...(to !== null ? { to } : {}) });
        const moments = momentsOf(p, { category, type });
        for (let t = -25; t <= 25; t++) {
          const inside = moments.some(([a, b]) => t >= a && t <= b);
          expect(inside, `t=${t}`).toBe(matches(p, { category, type, effectiveAt: t }));
        }
        // Disjoint and in time order.
        moments.forEach((m, i) => i > 0 && expect(m[0]).toBeGreaterThan(moments[i - 1]![1]));
      }),
    );
  });
});
