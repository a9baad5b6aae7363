import { beforeAll, describe, expect, it } from 'vitest';
import { initCrypto, randomKey, seal } from '../../src/crypto/aead.js';
import { openField, openRecord, unwrapDataKey, unwrapSecret, wrapSecret, type RecordBinding } from '../../src/crypto/envelope.js';
import { IntegrityError } from '../../src/errors.js';

/** Envelope cases test/unit/envelope.test.ts leaves open (docs/mutation.md). */

beforeAll(async () => {
  await initCrypto();
});

describe('record payloads', () => {
  it('a payload that opens under the right key and binding but is not JSON is an integrity failure', () => {
    const dek = randomKey();
    const b: RecordBinding = { id: 'r1', subjectId: 's1', category: 'notes', type: 'note', effectiveAt: 1 };
    // The associated data a record is sealed under (envelope.ts recordAd), with text that is not JSON.
    const ad = new TextEncoder().encode(JSON.stringify(['tessera/record/v1', b.id, b.subjectId, b.category, b.type, b.effectiveAt]));
    const sealed = seal(dek, new TextEncoder().encode('{not json'), ad);
    expect(() => openRecord(dek, b, sealed)).toThrow(IntegrityError);
    // The same bytes, valid JSON, open: the failure above is the parse, not the seal.
    expect(openRecord(dek, b, seal(dek, new TextEncoder().encode('{"ok":true}'), ad))).toEqual({ ok: true });
  });
});

const encode = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('the associated data is a stored format: what was sealed under it keeps opening', () => {
  it('a data key wrapped under ["tessera/dek/v1", subject, KEK id]', () => {
    const kek = randomKey();
    const dek = randomKey();
    expect(unwrapDataKey(kek, 'kek-1', 's1', seal(kek, dek, encode(['tessera/dek/v1', 's1', 'kek-1'])))).toEqual(dek);
  });

  it('a personal field sealed under ["tessera/field/v1", subject, field]', () => {
    const dek = randomKey();
    expect(openField(dek, 's1', 'displayName', seal(dek, encode('Ada'), encode(['tessera/field/v1', 's1', 'displayName'])))).toBe('Ada');
  });

  it('a service secret sealed under ["tessera/secret/v1", KEK id, purpose, owner]', () => {
    const kek = randomKey();
    expect(unwrapSecret(kek, 'kek-1', 'webhook', 'org-1', seal(kek, encode('whsec_abc'), encode(['tessera/secret/v1', 'kek-1', 'webhook', 'org-1'])))).toBe('whsec_abc');
  });
});

describe('service secrets (webhook signing secrets)', () => {
  it('unwraps what it wrapped', () => {
    const kek = randomKey();
    const sealed = wrapSecret(kek, 'kek-1', 'webhook', 'org-1', 'whsec_abc');
    expect(unwrapSecret(kek, 'kek-1', 'webhook', 'org-1', sealed)).toBe('whsec_abc');
    expect(Buffer.from(sealed).includes(Buffer.from('whsec_abc'))).toBe(false);
  });

  it('is bound to its KEK id, purpose and owner, and needs the right KEK', () => {
    const kek = randomKey();
    const sealed = wrapSecret(kek, 'kek-1', 'webhook', 'org-1', 'whsec_abc');
    expect(() => unwrapSecret(kek, 'kek-2', 'webhook', 'org-1', sealed)).toThrow(IntegrityError);
    expect(() => unwrapSecret(kek, 'kek-1', 'other', 'org-1', sealed)).toThrow(IntegrityError);
    expect(() => unwrapSecret(kek, 'kek-1', 'webhook', 'org-2', sealed)).toThrow(IntegrityError);
    expect(() => unwrapSecret(randomKey(), 'kek-1', 'webhook', 'org-1', sealed)).toThrow(IntegrityError);
  });
});
