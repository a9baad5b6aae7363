import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/errors.js';
import { dayOf, decodeReadings, encodeReadings } from '../../src/features/series/codec.js';

const DAY = Date.UTC(2026, 2, 1);

describe('series codec', () => {
  it('round-trips any whole-second readings of a day, with any unit', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 86_399 }), { maxLength: 300 }),
        fc.string({ maxLength: 20 }),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 300, maxLength: 300 }),
        (seconds, unit, pool) => {
          const at = [...seconds].sort((a, b) => a - b).map((s) => DAY + s * 1000);
          const values = at.map((_, i) => pool[i]!);
          const back = decodeReadings(DAY, encodeReadings(DAY, { unit, at, values }));
          expect(back.unit).toBe(unit);
          expect([...back.at]).toEqual(at);
          expect([...back.values]).toEqual(values);
        },
      ),
    );
  });

  it('a minute series costs a few bytes a reading; what is not its encoding does not decode', () => {
    const at = Array.from({ length: 1440 }, (_, m) => DAY + m * 60_000);
    const bytes = encodeReadings(DAY, { unit: '/min', at, values: at.map((_, m) => 55 + (m % 40)) });
    expect(bytes.length / 1440).toBeLessThan(4);
    expect(dayOf(at[1439]!)).toBe(DAY);
    expect(() => decodeReadings(DAY, new Uint8Array([1, 2, 3]))).toThrow(IntegrityError);
    expect(() => decodeReadings(DAY, deflateRawSync(Buffer.from([2, 0, 0, 0, 0, 0])))).toThrow(IntegrityError);
    // A count that does not match the bytes.
    expect(() => decodeReadings(DAY, deflateRawSync(Buffer.from([1, 0, 9, 0, 0, 0, 0, 0])))).toThrow(IntegrityError);
  });
});
