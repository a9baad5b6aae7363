import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { IntegrityError } from '../../errors.js';

/*
 * The sealed form of one chunk's readings (docs/performance.md "Dense series"), deflated before
 * sealing: a version byte, the unit's length and UTF-8 bytes, the count (uint32), then, each
 * section starting on an 8-byte boundary, the readings' seconds from the day's start as deltas
 * (uint32 each) and their values (float64 each), little-endian (what typed arrays read on the
 * little-endian machines Node runs on; checked at start). A minute series is the same delta
 * 1,440 times, which deflate folds to almost nothing. Opened readings are typed arrays, whose bytes live outside the JS heap, so a
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
  const { deltasAt, valuesAt, size } = layout(unit.length, n);
  const buf = Buffer.alloc(size);
  buf[0] = VERSION;
  buf[1] = unit.length;
  unit.copy(buf, 2);
  buf.writeUInt32LE(n, 2 + unit.length);
  const deltas = new Uint32Array(buf.buffer, buf.byteOffset + deltasAt, n);
  const values = new Float64Array(buf.buffer, buf.byteOffset + valuesAt, n);
  let previous = day;
  for (let i = 0; i < n; i++) {
    deltas[i] = (r.at[i]! - previous) / 1000;
    previous = r.at[i]!;
    values[i] = r.values[i]!;
  }
  return deflateRawSync(buf);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

function layout(unitLength: number, n: number) {
  const deltasAt = align8(2 + unitLength + 4);
  const valuesAt = align8(deltasAt + 4 * n);
  return { deltasAt, valuesAt, size: valuesAt + 8 * n };
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new Error('Tessera needs a little-endian machine');

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
  if (buf.length < 2 + unitLength + 4) throw new IntegrityError();
  const n = buf.readUInt32LE(2 + unitLength);
  const { deltasAt, valuesAt, size } = layout(unitLength, n);
  if (buf.length !== size) throw new IntegrityError();
  // Typed arrays need aligned bytes; zlib's output usually is, else it is copied once.
  if (buf.byteOffset % 8 !== 0) {
    const copy = Buffer.from(new ArrayBuffer(buf.length));
    buf.copy(copy);
    buf = copy;
  }
  const unit = buf.toString('utf8', 2, 2 + unitLength);
  const deltas = new Uint32Array(buf.buffer, buf.byteOffset + deltasAt, n);
  const values = new Float64Array(buf.buffer, buf.byteOffset + valuesAt, n);
  const at = new Float64Array(n);
  let t = day;
  for (let i = 0; i < n; i++) {
    t += deltas[i]! * 1000;
    at[i] = t;
  }
  return { unit, at, values };
}
