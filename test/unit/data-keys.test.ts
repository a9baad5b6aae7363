import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { DataKeys } from '../../src/core/data-keys.js';
import { initCrypto } from '../../src/crypto/aead.js';
import { unwrapDataKey } from '../../src/crypto/envelope.js';
import { generateKeysFile, Keyring, newKek, type KeysFile } from '../../src/crypto/keyring.js';
import { IntegrityError, NotFoundError } from '../../src/errors.js';
import { openSqliteStorage, type SqliteStorage } from '../../src/storage/sqlite/index.js';

/** A service clock that moves only when told, so the cache's boundaries can be hit exactly. */
class StoppedClock implements Clock {
  private at = Date.parse('2026-01-10T12:00:00Z');
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

let dir: string;
let storage: SqliteStorage;
let keysFile: KeysFile;
let keyring: Keyring;

beforeAll(async () => {
  await initCrypto();
  // In a hook, not at collection time, so a mutant that breaks key loading fails tests visibly.
  keysFile = generateKeysFile();
  keyring = new Keyring(keysFile);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-data-keys-'));
  storage = openSqliteStorage(path.join(dir, 'tessera.db'));
});
afterAll(() => {
  storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const TTL = 60_000;

/** Creates a person's data key the way sign-up does and stores its wrapping. */
function person(keys: DataKeys): { subjectId: string; dek: Uint8Array } {
  const subjectId = randomUUID();
  const { dek, wrapped } = keys.create(subjectId);
  const db = storage.db.$client;
  db.prepare('INSERT INTO subjects (id, created_at) VALUES (?, ?)').run(subjectId, 0);
  db.prepare('INSERT INTO subject_keys (subject_id, kek_id, wrapped_key, updated_at) VALUES (?, ?, ?, ?)').run(subjectId, wrapped.kekId, Buffer.from(wrapped.wrappedKey), 0);
  return { subjectId, dek };
}

/** Puts another person's wrapped key on this person's row, behind the service's back. */
function swapWrappedKey(subjectId: string, fromSubjectId: string): void {
  storage.db.$client
    .prepare('UPDATE subject_keys SET wrapped_key = (SELECT wrapped_key FROM subject_keys WHERE subject_id = ?) WHERE subject_id = ?')
    .run(fromSubjectId, subjectId);
}

describe('DataKeys', () => {
  it('creates a fresh key for a person, wrapped under the current KEK and bound to them', () => {
    const keys = new DataKeys(keyring, storage.keys, new StoppedClock());
    const subjectId = randomUUID();
    const { dek, wrapped } = keys.create(subjectId);
    expect(dek).toHaveLength(32);
    expect(wrapped.subjectId).toBe(subjectId);
    expect(wrapped.kekId).toBe(keysFile.currentKek);
    expect(unwrapDataKey(keyring.currentKek(), keysFile.currentKek, subjectId, wrapped.wrappedKey)).toEqual(dek);
    expect(() => unwrapDataKey(keyring.currentKek(), keysFile.currentKek, randomUUID(), wrapped.wrappedKey)).toThrow(IntegrityError);
    expect(keys.create(subjectId).dek).not.toEqual(dek);
  });

  it('wraps under whichever KEK is current at the time', () => {
    const kek = newKek();
    const ring = new Keyring({ ...keysFile, currentKek: kek.id, keks: [...keysFile.keks, kek] });
    const { wrapped } = new DataKeys(ring, storage.keys, new StoppedClock()).create('s');
    expect(wrapped.kekId).toBe(kek.id);
  });

  it('opens the stored key of a person', async () => {
    const keys = new DataKeys(keyring, storage.keys, new StoppedClock());
    const p = person(keys);
    expect(await keys.forSubject(p.subjectId)).toEqual(p.dek);
  });

  it('answers NotFoundError for a person with no key', async () => {
    const keys = new DataKeys(keyring, storage.keys, new StoppedClock());
    await expect(keys.forSubject(randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps an opened key for a minute on the service clock, then reads and unwraps it again', async () => {
    const clock = new StoppedClock();
    const keys = new DataKeys(keyring, storage.keys, clock);
    const p = person(keys);
    const other = person(keys);
    expect(await keys.forSubject(p.subjectId)).toEqual(p.dek);
    swapWrappedKey(p.subjectId, other.subjectId);
    clock.advance(TTL - 1);
    expect(await keys.forSubject(p.subjectId)).toEqual(p.dek);
    clock.advance(1);
    await expect(keys.forSubject(p.subjectId)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('a key read again after expiry is kept for another minute from then', async () => {
    const clock = new StoppedClock();
    const keys = new DataKeys(keyring, storage.keys, clock);
    const p = person(keys);
    const other = person(keys);
    await keys.forSubject(p.subjectId);
    clock.advance(TTL);
    expect(await keys.forSubject(p.subjectId)).toEqual(p.dek);
    swapWrappedKey(p.subjectId, other.subjectId);
    clock.advance(TTL - 1);
    expect(await keys.forSubject(p.subjectId)).toEqual(p.dek);
  });

  it('forget drops a key from memory at once: the next use reads the store', async () => {
    const keys = new DataKeys(keyring, storage.keys, new StoppedClock());
    const p = person(keys);
    const other = person(keys);
    await keys.forSubject(p.subjectId);
    await keys.forSubject(other.subjectId);
    swapWrappedKey(p.subjectId, other.subjectId);
    keys.forget(p.subjectId);
    await expect(keys.forSubject(p.subjectId)).rejects.toBeInstanceOf(IntegrityError);
    // Only that person's key was dropped.
    swapWrappedKey(other.subjectId, p.subjectId);
    expect(await keys.forSubject(other.subjectId)).toEqual(other.dek);
  });

  it('an erased person’s expired key is not served from memory', async () => {
    const clock = new StoppedClock();
    const keys = new DataKeys(keyring, storage.keys, clock);
    const p = person(keys);
    await keys.forSubject(p.subjectId);
    storage.db.$client.prepare('DELETE FROM subjects WHERE id = ?').run(p.subjectId);
    clock.advance(TTL);
    await expect(keys.forSubject(p.subjectId)).rejects.toBeInstanceOf(NotFoundError);
    // Even were the clock to step back, the key is gone from memory.
    clock.advance(-TTL);
    await expect(keys.forSubject(p.subjectId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('holds at most 10,000 keys, dropping the oldest first', async () => {
    const keys = new DataKeys(keyring, storage.keys, new StoppedClock());
    const people = storage.db.$client.transaction(() => Array.from({ length: 10_001 }, () => person(keys)))();
    for (const p of people.slice(0, 10_000)) await keys.forSubject(p.subjectId);
    const [first, second] = people as [(typeof people)[0], (typeof people)[0]];
    const last = people[10_000]!;
    // Full: the 10,001st key pushes out the first, and only the first.
    await keys.forSubject(last.subjectId);
    swapWrappedKey(first.subjectId, last.subjectId);
    swapWrappedKey(second.subjectId, last.subjectId);
    expect(await keys.forSubject(second.subjectId)).toEqual(second.dek);
    await expect(keys.forSubject(first.subjectId)).rejects.toBeInstanceOf(IntegrityError);
  }, 60_000);
});
