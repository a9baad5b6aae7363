import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initCrypto, open, randomKey, seal } from '../../src/crypto/aead.js';
import {
  newDataKey,
  openField,
  openRecord,
  sealField,
  sealRecord,
  unwrapDataKey,
  wrapDataKey,
  type RecordBinding,
} from '../../src/crypto/envelope.js';
import { IntegrityError } from '../../src/errors.js';

beforeAll(async () => {
  await initCrypto();
});

const key = fc.uint8Array({ minLength: 32, maxLength: 32 });
const binding: fc.Arbitrary<RecordBinding> = fc.record({
  id: fc.uuid(),
  subjectId: fc.uuid(),
  category: fc.string({ minLength: 1, maxLength: 40 }),
  type: fc.string({ minLength: 1, maxLength: 40 }),
  effectiveAt: fc.integer({ min: -2_208_988_800_000, max: 4_102_444_800_000 }),
});
/** JSON values as they survive a JSON round trip (no -0, no undefined). */
const payload = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

function throwsIntegrity(fn: () => unknown): void {
  expect(fn).toThrow(IntegrityError);
}

describe('record sealing', () => {
  it('opens what it sealed, for any JSON payload', () => {
    fc.assert(
      fc.property(key, binding, payload, (k, b, p) => {
        expect(openRecord(k, b, sealRecord(k, b, p))).toEqual(p);
      }),
    );
  });

  it('seals the same payload differently each time (fresh nonce)', () => {
    fc.assert(
      fc.property(key, binding, payload, (k, b, p) => {
        expect(Buffer.from(sealRecord(k, b, p)).equals(Buffer.from(sealRecord(k, b, p)))).toBe(false);
      }),
    );
  });

  it('refuses to open when any bound field differs: id, subject, category, type or effectiveAt', () => {
    const field = fc.constantFrom<keyof RecordBinding>('id', 'subjectId', 'category', 'type', 'effectiveAt');
    fc.assert(
      fc.property(key, binding, binding, field, payload, (k, b, other, f, p) => {
        fc.pre(other[f] !== b[f]);
        const sealed = sealRecord(k, b, p);
        throwsIntegrity(() => openRecord(k, { ...b, [f]: other[f] }, sealed));
      }),
    );
  });

  it('refuses to open under a different key', () => {
    fc.assert(
      fc.property(key, key, binding, payload, (k, wrong, b, p) => {
        fc.pre(!Buffer.from(k).equals(Buffer.from(wrong)));
        throwsIntegrity(() => openRecord(wrong, b, sealRecord(k, b, p)));
      }),
    );
  });

  it('refuses to open when any byte of the sealed payload is flipped', () => {
    fc.assert(
      fc.property(key, binding, payload, fc.nat(), fc.integer({ min: 1, max: 255 }), (k, b, p, pos, mask) => {
        const sealed = sealRecord(k, b, p);
        const i = pos % sealed.length;
        const tampered = Uint8Array.from(sealed);
        tampered[i] = tampered[i]! ^ mask;
        throwsIntegrity(() => openRecord(k, b, tampered));
      }),
    );
  });

  it('refuses truncated or empty ciphertexts', () => {
    fc.assert(
      fc.property(key, binding, payload, fc.nat(), (k, b, p, n) => {
        const sealed = sealRecord(k, b, p);
        throwsIntegrity(() => openRecord(k, b, sealed.subarray(0, n % sealed.length)));
      }),
    );
  });
});

describe('data-key wrapping', () => {
  const kekId = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);

  it('unwraps what it wrapped', () => {
    fc.assert(
      fc.property(key, kekId, fc.uuid(), (kek, id, subject) => {
        const dek = newDataKey();
        expect(unwrapDataKey(kek, id, subject, wrapDataKey(kek, id, subject, dek))).toEqual(dek);
      }),
    );
  });

  it('is bound to the person: a wrapped key moved to another subject does not open', () => {
    fc.assert(
      fc.property(key, kekId, fc.uuid(), fc.uuid(), (kek, id, subject, other) => {
        fc.pre(subject !== other);
        const wrapped = wrapDataKey(kek, id, subject, newDataKey());
        throwsIntegrity(() => unwrapDataKey(kek, id, other, wrapped));
      }),
    );
  });

  it('is bound to the KEK id, and needs the right KEK', () => {
    fc.assert(
      fc.property(key, key, kekId, kekId, fc.uuid(), (kek, otherKek, id, otherId, subject) => {
        const wrapped = wrapDataKey(kek, id, subject, newDataKey());
        if (otherId !== id) throwsIntegrity(() => unwrapDataKey(kek, otherId, subject, wrapped));
        if (!Buffer.from(otherKek).equals(Buffer.from(kek))) throwsIntegrity(() => unwrapDataKey(otherKek, id, subject, wrapped));
      }),
    );
  });

  it('draws a new 32-byte key every time', () => {
    const a = newDataKey();
    const b = newDataKey();
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});

describe('personal fields', () => {
  it('open only for the same person and field name', () => {
    fc.assert(
      fc.property(key, fc.uuid(), fc.uuid(), fc.string(), (k, subject, other, value) => {
        const sealed = sealField(k, subject, 'displayName', value);
        expect(openField(k, subject, 'displayName', sealed)).toBe(value);
        throwsIntegrity(() => openField(k, subject, 'handle', sealed));
        if (other !== subject) throwsIntegrity(() => openField(k, other, 'displayName', sealed));
      }),
    );
  });
});

describe('AEAD primitive', () => {
  it('binds the associated data byte for byte', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.uint8Array(), fc.uint8Array(), (pt, ad, otherAd) => {
        const k = randomKey();
        const sealed = seal(k, pt, ad);
        expect(open(k, sealed, ad)).toEqual(pt);
        if (!Buffer.from(ad).equals(Buffer.from(otherAd))) throwsIntegrity(() => open(k, sealed, otherAd));
      }),
    );
  });
});
