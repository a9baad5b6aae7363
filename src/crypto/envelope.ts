import { createHmac, hkdfSync } from 'node:crypto';
import { IntegrityError } from '../errors.js';
import { open, randomKey, seal } from './aead.js';

/**
 * Envelope encryption (docs/security.md): a data key per person, wrapped by the
 * service's key-encryption key; record payloads sealed with the data key.
 */

const decoder = new TextDecoder();

/**
 * UTF-8 bytes of a string: the same bytes as TextEncoder (lone surrogates become U+FFFD), but
 * Buffer.from is about ten times faster on Node 20 for the short strings sealed per record.
 */
function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/**
 * Metadata bound into a record's ciphertext so it cannot move rows or people, nor be
 * re-attributed or re-dated. Layout 1 (rows written before it existed) binds the first five
 * fields; layout 2 also binds who wrote the record, when, and the layout itself.
 */
export interface RecordBinding {
  id: string;
  subjectId: string;
  category: string;
  type: string;
  /** effectiveAt in epoch milliseconds, as stored. */
  effectiveAt: number;
  /** The sealed layout; 1 when absent. */
  schemaVersion?: number;
  createdAt?: number;
  sourceKind?: string;
  sourceAccountId?: string;
  sourceOrganisationId?: string | null;
}

/** The layout new records are sealed with. */
export const RECORD_LAYOUT = 2;

// A JSON array is an unambiguous encoding: no two different tuples give the same bytes.
function recordAd(b: RecordBinding): Uint8Array {
  const layout = b.schemaVersion ?? 1;
  if (layout === 1) return utf8(JSON.stringify(['tessera/record/v1', b.id, b.subjectId, b.category, b.type, b.effectiveAt]));
  if (layout !== 2 || b.createdAt === undefined || b.sourceKind === undefined || b.sourceAccountId === undefined) throw new IntegrityError();
  return utf8(
    JSON.stringify([
      'tessera/record/v2',
      b.id,
      b.subjectId,
      b.category,
      b.type,
      b.effectiveAt,
      b.createdAt,
      b.sourceKind,
      b.sourceAccountId,
      b.sourceOrganisationId ?? null,
    ]),
  );
}

function dataKeyAd(subjectId: string, kekId: string): Uint8Array {
  return utf8(JSON.stringify(['tessera/dek/v1', subjectId, kekId]));
}

function fieldAd(subjectId: string, field: string): Uint8Array {
  return utf8(JSON.stringify(['tessera/field/v1', subjectId, field]));
}

/** @returns a new random data key for one person */
export function newDataKey(): Uint8Array {
  return randomKey();
}

/**
 * Wraps a person's data key under a KEK, bound to the person and the KEK id.
 * @returns the wrapped key (nonce + ciphertext)
 */
export function wrapDataKey(kek: Uint8Array, kekId: string, subjectId: string, dek: Uint8Array): Uint8Array {
  return seal(kek, dek, dataKeyAd(subjectId, kekId));
}

/**
 * @returns the person's data key
 * @throws IntegrityError when the wrapped key was moved to another person or KEK id
 */
export function unwrapDataKey(kek: Uint8Array, kekId: string, subjectId: string, wrapped: Uint8Array): Uint8Array {
  return open(kek, wrapped, dataKeyAd(subjectId, kekId));
}

/**
 * Seals a record payload (any JSON value) with the person's data key.
 * @returns the sealed payload to store
 */
export function sealRecord(dek: Uint8Array, binding: RecordBinding, payload: unknown): Uint8Array {
  return seal(dek, utf8(JSON.stringify(payload)), recordAd(binding));
}

/**
 * Opens a sealed record payload.
 * @throws IntegrityError when the row's metadata or ciphertext was edited or moved
 */
export function openRecord<T>(dek: Uint8Array, binding: RecordBinding, sealed: Uint8Array): T {
  const bytes = open(dek, sealed, recordAd(binding));
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch {
    throw new IntegrityError();
  }
}

/**
 * Metadata bound into a series chunk's ciphertext (docs/performance.md "Dense series"): whose,
 * which category, type, day and writer, and the first and last reading's times and the count
 * that slices select it by, so a row cannot move, be re-dated or claim other readings.
 */
export interface SeriesBinding {
  id: string;
  subjectId: string;
  category: string;
  type: string;
  day: number;
  firstAt: number;
  lastAt: number;
  count: number;
  createdAt: number;
  sourceKind: string;
  sourceAccountId: string;
  sourceOrganisationId: string | null;
}

function seriesAd(b: SeriesBinding): Uint8Array {
  return utf8(
    JSON.stringify([
      'tessera/series/v1',
      b.id,
      b.subjectId,
      b.category,
      b.type,
      b.day,
      b.firstAt,
      b.lastAt,
      b.count,
      b.createdAt,
      b.sourceKind,
      b.sourceAccountId,
      b.sourceOrganisationId,
    ]),
  );
}

/** Seals a series chunk's encoded readings with the person's data key. */
export function sealSeries(dek: Uint8Array, binding: SeriesBinding, bytes: Uint8Array): Uint8Array {
  return seal(dek, bytes, seriesAd(binding));
}

/**
 * @returns the chunk's encoded readings
 * @throws IntegrityError when the row's metadata or ciphertext was edited or moved
 */
export function openSeries(dek: Uint8Array, binding: SeriesBinding, sealed: Uint8Array): Uint8Array {
  return open(dek, sealed, seriesAd(binding));
}

/**
 * Seals one named personal field of a person (e.g. their display name) with their data key,
 * so erasing the key erases the field too.
 */
export function sealField(dek: Uint8Array, subjectId: string, field: string, value: string): Uint8Array {
  return seal(dek, utf8(value), fieldAd(subjectId, field));
}

/** @returns the field's value; @throws IntegrityError when moved or edited */
export function openField(dek: Uint8Array, subjectId: string, field: string, sealed: Uint8Array): string {
  return decoder.decode(open(dek, sealed, fieldAd(subjectId, field)));
}

function secretAd(kekId: string, purpose: string, ownerId: string): Uint8Array {
  return utf8(JSON.stringify(['tessera/secret/v1', kekId, purpose, ownerId]));
}

/**
 * Seals a service secret (a webhook signing secret) under a KEK, bound to its purpose and owner,
 * so no usable secret sits in the database.
 */
export function wrapSecret(kek: Uint8Array, kekId: string, purpose: string, ownerId: string, secret: string): Uint8Array {
  return seal(kek, utf8(secret), secretAd(kekId, purpose, ownerId));
}

/** @returns the secret; @throws IntegrityError when moved or edited */
export function unwrapSecret(kek: Uint8Array, kekId: string, purpose: string, ownerId: string, sealed: Uint8Array): string {
  return decoder.decode(open(kek, sealed, secretAd(kekId, purpose, ownerId)));
}

/**
 * Digests of a person's content under a key derived from their data key (HKDF-SHA256, then
 * HMAC-SHA256): equal content gives equal digests for that person, and a digest says nothing
 * about the content without the key, not even for low-entropy values like a heart rate. Erasing
 * the data key makes stored digests meaningless.
 * @returns a function from content text to its digest (base64url)
 */
export function contentDigester(dek: Uint8Array, subjectId: string): (text: string) => string {
  const key = Buffer.from(hkdfSync('sha256', dek, utf8(subjectId), utf8('tessera/import-digest/v1'), 32));
  return (text) => createHmac('sha256', key).update(text).digest('base64url');
}
