import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestToken, randomToken, safeEqual, sessionIdOfSecret, sha256Hex } from '../../src/crypto/secrets.js';

describe('randomToken', () => {
  it('is URL-safe base64 of 32 random bytes by default', () => {
    const t = randomToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(randomToken()).not.toBe(t);
  });

  it('draws as many bytes as asked', () => {
    expect(Buffer.from(randomToken(16), 'base64url')).toHaveLength(16);
    expect(randomToken(48)).toHaveLength(64);
  });
});

describe('digests', () => {
  it('sha256Hex is the hex SHA-256 of the UTF-8 text', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).toBe(createHash('sha256').update(Buffer.from('é', 'utf8')).digest('hex'));
  });

  it('a refresh token is stored as its SHA-256, never as itself', () => {
    const t = randomToken();
    expect(digestToken(t)).toBe(createHash('sha256').update(t).digest('hex'));
    expect(digestToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(digestToken(t)).not.toBe(digestToken(randomToken()));
  });
});

describe('safeEqual', () => {
  it('is true for equal strings only', () => {
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('secret', 'secreT')).toBe(false);
    expect(safeEqual('secret', 'secrets')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });

  it('compares bytes: strings of equal length but different byte lengths are unequal, without throwing', () => {
    expect(safeEqual('é', 'e')).toBe(false);
    expect(safeEqual('e', 'é')).toBe(false);
  });
});

describe('sessionIdOfSecret', () => {
  it('is a UUID (version 8, RFC 9562 variant) fixed by the secret, different for every secret, never the secret', () => {
    const secret = randomToken();
    const id = sessionIdOfSecret(secret);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sessionIdOfSecret(secret)).toBe(id);
    expect(sessionIdOfSecret(randomToken())).not.toBe(id);
    expect(id.replace(/-/g, '')).not.toContain(Buffer.from(secret, 'base64url').toString('hex').slice(0, 8));
    // Domain-separated from the refresh-token digest of the same text.
    expect(digestToken(secret).slice(0, 8)).not.toBe(id.slice(0, 8));
  });
});
