import { describe, expect, it } from 'vitest';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../src/crypto/passwords.js';

describe('passwords', () => {
  it('hashes with argon2id at OWASP’s minimum (19 MiB, t=2, p=1), salted', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(await hashPassword('correct horse battery staple')).not.toBe(h);
  });

  it('verifies the right password only', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(h, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(h, '')).toBe(false);
  });

  it('answers false, not an error, for a malformed stored hash', async () => {
    expect(await verifyPassword('not a phc string', 'x')).toBe(false);
    expect(await verifyPassword('', 'x')).toBe(false);
  });

  it('the dummy check spends about as long as a real verification, so timing does not tell which handles exist', async () => {
    const h = await hashPassword('correct horse battery staple');
    await verifyAgainstDummy('warm-up');
    const time = async (fn: () => Promise<unknown>) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await fn();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const real = await time(() => verifyPassword(h, 'wrong password'));
    const dummy = await time(() => verifyAgainstDummy('wrong password'));
    // A real argon2id verification here takes tens of milliseconds; skipping it takes microseconds.
    expect(dummy).toBeGreaterThan(real / 5);
  });

  it('the dummy check for unknown handles always answers false, even for the dummy’s own password', async () => {
    expect(await verifyAgainstDummy('tessera-dummy-password-for-timing')).toBe(false);
    expect(await verifyAgainstDummy('anything')).toBe(false);
  });
});
