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

let idPool = Buffer.alloc(0);
let idPoolAt = 0;

/**
 * A UUIDv7 (RFC 9562) for `ms`: time-ordered, so rows written together land on the last pages
 * of their id index rather than on random ones (fewer pages per commit and checkpoint). It
 * tells only its creation time, which records (`createdAt`) and log entries (`at`) carry
 * anyway. The 74 random bits come from a pooled draw of node:crypto.
 * @returns the id in canonical 8-4-4-4-12 form
 */
export function timeOrderedId(ms: number): string {
  if (idPoolAt + 10 > idPool.length) {
    idPool = randomBytes(4096);
    idPoolAt = 0;
  }
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(Math.max(0, Math.min(ms, 2 ** 48 - 1)), 0, 6);
  idPool.copy(b, 6, idPoolAt, idPoolAt + 10);
  idPoolAt += 10;
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The session id a browser session's cookie secret stands for: the SHA-256 of the secret, cut
 * to a UUID's 122 free bits. The database keeps only this digest (as the session's id), so a
 * stolen database or a logged session id gives no usable cookie, while the cookie still
 * reaches the very session row a bearer token's `sid` would (one revocation path).
 * @returns a version-8 (RFC 9562 custom) UUID
 */
export function sessionIdOfSecret(secret: string): string {
  const b = createHash('sha256').update(`tessera-browser-session:${secret}`).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
