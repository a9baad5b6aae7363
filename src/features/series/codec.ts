import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { IntegrityError } from '../../errors.js';

/*
 * The sealed form of one chunk's readings (docs/performance.md "Dense series"): their unit, the
 * seconds from the day's start as deltas, and the values, as JSON, deflated before sealing.
 * A minute series is the same delta 1,440 times, which deflate folds to almost nothing, so a
 * reading costs a few bytes where a sealed record costs about two hundred. Every reading in a
 * chunk belongs to the same person and writer, so compression mixes no one else's data into
 * what a ciphertext's length might tell.
 */

export const DAY_MS = 86_400_000;

/** One chunk's readings, in time order: whole seconds, at most one value a second. */
export interface Readings {
  unit: string;
  /** Epoch milliseconds, ascending, each a whole second within the chunk's day. */
  at: number[];
  values: number[];
}

interface Encoded {
  u: string;
  d: number[];
  v: number[];
}

/** @returns the UTC day (its first millisecond) that a moment falls on */
export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** @returns the readings as the bytes to seal */
export function encodeReadings(day: number, r: Readings): Uint8Array {
  const d = new Array<number>(r.at.length);
  let previous = day;
  for (let i = 0; i < r.at.length; i++) {
    d[i] = (r.at[i]! - previous) / 1000;
    previous = r.at[i]!;
  }
  const text = JSON.stringify({ u: r.unit, d, v: r.values } satisfies Encoded);
  return deflateRawSync(Buffer.from(text, 'utf8'));
}

/**
 * @returns the readings of opened bytes
 * @throws IntegrityError when they do not decode (the seal held, so only a bug gets here)
 */
export function decodeReadings(day: number, bytes: Uint8Array): Readings {
  let parsed: Encoded;
  try {
    parsed = JSON.parse(inflateRawSync(bytes).toString('utf8')) as Encoded;
  } catch {
    throw new IntegrityError();
  }
  if (!Array.isArray(parsed.d) || !Array.isArray(parsed.v) || parsed.d.length !== parsed.v.length) throw new IntegrityError();
  const at = new Array<number>(parsed.d.length);
  let t = day;
  for (let i = 0; i < parsed.d.length; i++) {
    t += parsed.d[i]! * 1000;
    at[i] = t;
  }
  return { unit: parsed.u, at, values: parsed.v };
}
