import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { IntegrityError } from '../../errors.js';

/*
 * The sealed form of one chunk's readings (docs/performance.md "Dense series"), deflated before
 * sealing: a version byte, the unit's length and UTF-8 bytes, the count (uint32), then the
 * readings' seconds from the day's start as deltas (uint32 each) and their values (float64
 * each), little-endian. A minute series is the same delta 1,440 times, which deflate folds to
 * almost nothing. Opened readings are typed arrays, whose bytes live outside the JS heap, so a
 * read of a week of minutes does not churn the garbage collector. Every reading in a chunk is
 * the same person's from the same writer, so compression mixes no one else's data into what a
 * ciphertext's length might tell.
 */

export const DAY_MS = 86_400_000;
const VERSION = 1;

/** One chunk's readings, in time order: whole seconds, at most one value a second. */
export interface Readings {
  unit: string;
  /** Epoch milliseconds, ascending, each a whole second within the chunk's day. */
  at: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** Opened readings: as {@link Readings}, in typed arrays. */
export interface OpenedReadings extends Readings {
  at: Float64Array;
  values: Float64Array;
}

/** @returns the UTC day (its first millisecond) that a moment falls on */
export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

/** @returns the readings as the bytes to seal */
export function encodeReadings(day: number, r: Readings): Uint8Array {
  const unit = Buffer.from(r.unit, 'utf8');
  const n = r.at.length;
  const head = 1 + 1 + unit.length + 4;
  // Values start on an 8-byte boundary of the buffer, so they can be read as a Float64Array.
  const valuesAt = Math.ceil((head + 4 * n) / 8) * 8;
  const buf = Buffer.alloc(valuesAt + 8 * n);
  buf[0] = VERSION;
  buf[1] = unit.length;
  unit.copy(buf, 2);
  buf.writeUInt32LE(n, 2 + unit.length);
  let previous = day;
  for (let i = 0; i < n; i++) {
    buf.writeUInt32LE((r.at[i]! - previous) / 1000, head + 4 * i);
    previous = r.at[i]!;
    buf.writeDoubleLE(r.values[i]!, valuesAt + 8 * i);
  }
  return deflateRawSync(buf);
}

/**
 * @returns the readings of opened bytes
 * @throws IntegrityError when they do not decode (the seal held, so only a bug gets here)
 */
export function decodeReadings(day: number, bytes: Uint8Array): OpenedReadings {
  let buf: Buffer;
  try {
    buf = inflateRawSync(bytes);
  } catch {
    throw new IntegrityError();
  }
  if (buf.length < 6 || buf[0] !== VERSION) throw new IntegrityError();
  const unitLength = buf[1]!;
  const head = 2 + unitLength + 4;
  if (buf.length < head) throw new IntegrityError();
  const n = buf.readUInt32LE(2 + unitLength);
  const valuesAt = Math.ceil((head + 4 * n) / 8) * 8;
  if (buf.length !== valuesAt + 8 * n) throw new IntegrityError();
  const unit = buf.toString('utf8', 2, 2 + unitLength);
  const at = new Float64Array(n);
  const values = new Float64Array(n);
  let t = day;
  for (let i = 0; i < n; i++) {
    t += buf.readUInt32LE(head + 4 * i) * 1000;
    at[i] = t;
    values[i] = buf.readDoubleLE(valuesAt + 8 * i);
  }
  return { unit, at, values };
}
