import { beforeAll, describe, expect, it } from 'vitest';
import { initCrypto, KEY_BYTES, open, randomKey, seal } from '../../src/crypto/aead.js';
import { IntegrityError } from '../../src/errors.js';

beforeAll(async () => {
  await initCrypto();
  // Idempotent: a second call is harmless.
  await initCrypto();
});

const ad = new TextEncoder().encode('ad');

describe('AEAD (XChaCha20-Poly1305)', () => {
  it('keys are 32 random bytes', () => {
    expect(KEY_BYTES).toBe(32);
    const k = randomKey();
    expect(k).toBeInstanceOf(Uint8Array);
    expect(k).toHaveLength(32);
    expect(randomKey()).not.toEqual(k);
  });

  it('a sealed message is a 24-byte nonce, the ciphertext and a 16-byte tag', () => {
    const sealed = seal(randomKey(), new Uint8Array(10), ad);
    expect(sealed).toHaveLength(24 + 10 + 16);
  });

  it('an empty message seals to the shortest valid form (40 bytes) and opens', () => {
    const k = randomKey();
    const sealed = seal(k, new Uint8Array(0), ad);
    expect(sealed).toHaveLength(40);
    expect(open(k, sealed, ad)).toEqual(new Uint8Array(0));
  });

  it('anything shorter than a nonce and a tag is refused as an integrity failure', () => {
    const k = randomKey();
    const sealed = seal(k, new Uint8Array(0), ad);
    for (const n of [0, 23, 24, 39]) expect(() => open(k, sealed.subarray(0, n), ad)).toThrow(IntegrityError);
  });

  it('the nonce is fresh each time and is what opening uses', () => {
    const k = randomKey();
    const pt = new TextEncoder().encode('hello');
    const a = seal(k, pt, ad);
    const b = seal(k, pt, ad);
    expect(Buffer.from(a.subarray(0, 24)).equals(Buffer.from(b.subarray(0, 24)))).toBe(false);
    // Another message's nonce on this ciphertext does not open.
    const mixed = new Uint8Array(a);
    mixed.set(b.subarray(0, 24), 0);
    expect(() => open(k, mixed, ad)).toThrow(IntegrityError);
    expect(new TextDecoder().decode(open(k, a, ad))).toBe('hello');
  });
});
