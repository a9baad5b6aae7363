import { randomBytes } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { IntegrityError } from '../errors.js';

/** The only module that touches libsodium (docs/architecture.md "Layers"). */

export const KEY_BYTES = 32;
const NONCE_BYTES = 24;

let ready = false;

/**
 * Nonces are cut from a pool refilled from the OS generator 1,024 at a time: one system call
 * instead of one per seal. Each nonce is used once, so the pool never hands out the same bytes.
 */
const POOL_NONCES = 1024;
let pool = Buffer.alloc(0);
let offset = 0;

function nextNonce(): Buffer {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomBytes(NONCE_BYTES * POOL_NONCES);
    offset = 0;
  }
  const nonce = pool.subarray(offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}

/** Waits for libsodium's WebAssembly to load; call once before sealing or opening. */
export async function initCrypto(): Promise<void> {
  if (ready) return;
  await sodium.ready;
  ready = true;
}

/**
 * A fresh random 32-byte key. Random bytes come from node:crypto, which is much faster here
 * than libsodium-wrappers' randombytes_buf and draws on the same OS generator.
 * @returns a new key
 */
export function randomKey(): Uint8Array {
  return new Uint8Array(randomBytes(KEY_BYTES));
}

/**
 * Seals with XChaCha20-Poly1305 under a random 24-byte nonce (safe to draw at random, unlike
 * the 12-byte IETF ChaCha nonce).
 * @param key 32-byte key
 * @param plaintext bytes to seal
 * @param ad associated data bound to the ciphertext; opening needs the same bytes
 * @returns nonce followed by ciphertext and tag
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array {
  const nonce = nextNonce();
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  const out = new Uint8Array(NONCE_BYTES + ct.length);
  out.set(nonce, 0);
  out.set(ct, NONCE_BYTES);
  return out;
}

/**
 * Opens what {@link seal} produced.
 * @param key 32-byte key
 * @param sealed nonce followed by ciphertext and tag
 * @param ad the associated data given at sealing
 * @returns the plaintext
 * @throws IntegrityError when the key, the associated data or the bytes differ
 */
export function open(key: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array {
  if (sealed.length < NONCE_BYTES + 16) throw new IntegrityError();
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(NONCE_BYTES),
      ad,
      sealed.subarray(0, NONCE_BYTES),
      key,
    );
  } catch {
    throw new IntegrityError();
  }
}
