import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/core/deps.js';
import { ValidationError, type FieldError } from '../../src/errors.js';
import { catalogue } from '../../src/features/catalogue/catalogue.js';
import type { TermsInput } from '../../src/features/grants/schemas.js';
import { sliceOf } from '../../src/core/slice.js';
import { checkTerms, DEFAULT_GRANT_DAYS } from '../../src/features/grants/terms.js';

// checkTerms reads only the catalogue from its dependencies.
const deps = { catalogue } as Deps;
const DAY = 24 * 3600 * 1000;
const now = Date.parse('2026-01-10T12:00:00.000Z');

/** A request body's terms after schema validation (the schema's static type is too loose to write by hand). */
interface Body {
  access: 'read' | 'append';
  categories: string[];
  types?: string[];
  from?: string;
  to?: string;
  purpose: string;
  purposeText?: string;
  expiresAt?: string;
}
const input = (over: Partial<Body> = {}): TermsInput => ({ access: 'read', categories: ['mental-wellbeing'], purpose: 'direct-care', ...over }) as unknown as TermsInput;

function fieldErrors(over: Partial<Body>): FieldError[] {
  try {
    checkTerms(deps, input(over), now);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error('expected a ValidationError');
}

describe('checkTerms', () => {
  it('returns the checked terms, with a 90-day expiry by default', () => {
    expect(DEFAULT_GRANT_DAYS).toBe(90);
    expect(checkTerms(deps, input(), now)).toEqual({
      access: 'read',
      categories: ['mental-wellbeing'],
      types: null,
      fromAt: null,
      toAt: null,
      purpose: 'direct-care',
      purposeText: null,
      expiresAt: now + 90 * DAY,
    });
  });

  it('keeps types, window, purpose text and an explicit expiry', () => {
    const terms = checkTerms(
      deps,
      input({
        access: 'append',
        categories: ['mental-wellbeing', 'health-status'],
        types: ['phq9', 'heart-rate'],
        from: '2025-01-01',
        to: '2025-12-31',
        purpose: 'other',
        purposeText: '  a study of sleep  ',
        expiresAt: '2026-02-01T00:00:00Z',
      }),
      now,
    );
    expect(terms).toEqual({
      access: 'append',
      categories: ['mental-wellbeing', 'health-status'],
      types: ['phq9', 'heart-rate'],
      fromAt: Date.parse('2025-01-01T00:00:00.000Z'),
      // A date as the upper bound means the end of that day.
      toAt: Date.parse('2025-12-31T23:59:59.999Z'),
      purpose: 'other',
      purposeText: 'a study of sleep',
      expiresAt: Date.parse('2026-02-01T00:00:00Z'),
    });
  });

  it('names each unknown category and type by position, with a JSON pointer into the body', () => {
    expect(fieldErrors({ categories: ['mental-wellbeing', 'nope'], types: ['phq9', 'made-up'] })).toEqual([
      { field: 'categories.1', pointer: '/categories/1', in: 'body', detail: 'unknown category "nope"' },
      { field: 'types.1', pointer: '/types/1', in: 'body', detail: 'unknown type "made-up"' },
    ]);
  });

  it('refuses a type whose category is not granted', () => {
    expect(fieldErrors({ types: ['heart-rate'] })).toEqual([
      { field: 'types.0', pointer: '/types/0', in: 'body', detail: 'type "heart-rate" belongs to category "health-status", which is not granted' },
    ]);
  });

  it('refuses window bounds that are not times, and a window that ends before it starts', () => {
    expect(fieldErrors({ from: 'yesterday', to: '2025-02-30' })).toEqual([
      { field: 'from', pointer: '/from', in: 'body', detail: 'must be an RFC 3339 date-time or a date (YYYY-MM-DD)' },
      { field: 'to', pointer: '/to', in: 'body', detail: 'must be an RFC 3339 date-time or a date (YYYY-MM-DD)' },
    ]);
    expect(fieldErrors({ from: '2025-03-02', to: '2025-03-01' })).toEqual([{ field: 'to', pointer: '/to', in: 'body', detail: 'must not be before from' }]);
  });

  it('accepts a one-day window given as the same date twice, and an open-ended one', () => {
    const day = checkTerms(deps, input({ from: '2025-03-01', to: '2025-03-01' }), now);
    expect(day.toAt! - day.fromAt!).toBe(DAY - 1);
    const open = checkTerms(deps, input({ from: '2025-03-01T08:00:00Z' }), now);
    expect(open).toMatchObject({ fromAt: Date.parse('2025-03-01T08:00:00Z'), toAt: null });
    const until = checkTerms(deps, input({ to: '2025-03-01T08:00:00Z' }), now);
    expect(until).toMatchObject({ fromAt: null, toAt: Date.parse('2025-03-01T08:00:00Z') });
  });

  it('a window open at the start may end before 1970', () => {
    expect(checkTerms(deps, input({ to: '1960-01-01' }), now)).toMatchObject({ fromAt: null, toAt: Date.parse('1960-01-01T23:59:59.999Z') });
  });

  it('a window bound may be a date-time on both ends, equal', () => {
    const t = '2025-03-01T08:00:00Z';
    expect(checkTerms(deps, input({ from: t, to: t }), now)).toMatchObject({ fromAt: Date.parse(t), toAt: Date.parse(t) });
  });

  it('refuses an expiry that is not a date-time, now or past, or beyond two years', () => {
    const detail = (expiresAt: string) => fieldErrors({ expiresAt }).map((e) => [e.field, e.detail]);
    expect(detail('next week')).toEqual([['expiresAt', 'must be an RFC 3339 date-time']]);
    expect(detail(new Date(now).toISOString())).toEqual([['expiresAt', 'must be in the future']]);
    expect(detail(new Date(now - 1).toISOString())).toEqual([['expiresAt', 'must be in the future']]);
    expect(detail(new Date(now + (2 * 365 + 1) * DAY + 1).toISOString())).toEqual([['expiresAt', 'must be at most 2 years from now']]);
  });

  it('accepts an expiry a millisecond from now and exactly at the two-year limit (731 days)', () => {
    expect(checkTerms(deps, input({ expiresAt: new Date(now + 1).toISOString() }), now).expiresAt).toBe(now + 1);
    const limit = now + (2 * 365 + 1) * DAY;
    expect(checkTerms(deps, input({ expiresAt: new Date(limit).toISOString() }), now).expiresAt).toBe(limit);
  });

  it('needs purpose text for purpose "other"; blank text counts as none and is stored as null', () => {
    expect(fieldErrors({ purpose: 'other' })).toEqual([{ field: 'purposeText', pointer: '/purposeText', in: 'body', detail: 'is required when purpose is "other"' }]);
    expect(fieldErrors({ purpose: 'other', purposeText: '   ' }).map((e) => e.field)).toEqual(['purposeText']);
    expect(checkTerms(deps, input({ purposeText: '   ' }), now).purposeText).toBeNull();
    expect(checkTerms(deps, input({ purposeText: 'review' }), now).purposeText).toBe('review');
  });

  it('reports every problem at once', () => {
    const fields = fieldErrors({ categories: ['nope'], types: ['phq9'], from: 'x', expiresAt: 'y', purpose: 'other' }).map((e) => e.field);
    expect(fields).toEqual(['categories.0', 'types.0', 'from', 'expiresAt', 'purposeText']);
  });
});

describe('sliceOf', () => {
  it('is the categories, types and window of the terms, nothing else', () => {
    expect(sliceOf({ categories: ['notes'], types: ['note'], fromAt: 1, toAt: 2, purpose: 'x' } as Parameters<typeof sliceOf>[0])).toEqual({
      categories: ['notes'],
      types: ['note'],
      from: 1,
      to: 2,
    });
  });
});
