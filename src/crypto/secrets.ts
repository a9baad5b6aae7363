import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** @returns a URL-safe random token with `bytes` bytes of entropy */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Refresh tokens are stored as SHA-256 digests: they carry 256 bits of entropy, so a fast hash
 * suffices, and a stolen database yields no usable token.
 * @returns hex digest
 */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** @returns SHA-256 hex digest of a string (request bodies for idempotency, hash chains) */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Constant-time string comparison for secrets. */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}
