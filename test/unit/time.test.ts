import { describe, expect, it } from 'vitest';
import { parseInstant, parseWindow } from '../../src/core/time.js';

describe('parseInstant', () => {
  it.each([
    ['2026-03-01T10:00:00Z', Date.UTC(2026, 2, 1, 10)],
    ['2026-03-01t10:00:00z', Date.UTC(2026, 2, 1, 10)],
    ['2026-03-01 10:00:00Z', Date.UTC(2026, 2, 1, 10)],
    ['2026-03-01T10:00:00.250Z', Date.UTC(2026, 2, 1, 10, 0, 0, 250)],
    ['2026-03-01T10:00:00+01:00', Date.UTC(2026, 2, 1, 9)],
    ['2026-03-01T10:00:00-05:30', Date.UTC(2026, 2, 1, 15, 30)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads the RFC 3339 date-time %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it('reads a date as the start of that UTC day, or its last millisecond as an upper bound', () => {
    expect(parseInstant('2026-03-01')).toBe(Date.UTC(2026, 2, 1));
    expect(parseInstant('2026-03-01', 'end')).toBe(Date.UTC(2026, 2, 2) - 1);
  });

  it.each([
    ['a local time without a zone', '2026-03-01T10:00:00'],
    ['a time without seconds', '2026-03-01T10:00Z'],
    ['30 February', '2026-02-30T00:00:00Z'],
    ['29 February of a common year', '2026-02-29'],
    ['month 13', '2026-13-01'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['an English date', 'Sun Mar 01 2026'],
    ['another English date', '1 March 2026 10:00'],
    ['an offset without a colon', '2026-03-01T10:00:00+0100'],
    ['an expanded year', '+002026-03-01T00:00:00Z'],
    ['a number', '1772359200000'],
  ])('refuses %s', (_why, text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('parseWindow', () => {
  it('names the bad bound', () => {
    expect(() => parseWindow({ from: 'Sun Mar 01 2026' }, 'query')).toThrow(/from/);
  });

  it('refuses to before from', () => {
    expect(() => parseWindow({ from: '2026-03-02', to: '2026-03-01' }, 'query')).toThrow(/to/);
  });

  it('accepts a one-day window given as the same date twice', () => {
    expect(parseWindow({ from: '2026-03-01', to: '2026-03-01' }, 'query')).toEqual({ from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 2) - 1 });
  });
});
