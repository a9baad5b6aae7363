import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/features/tokens/login-limiter.js';
import { memoryCounters } from '../../src/storage/sqlite/in-process.js';

const limits = { perPair: 3, perIp: 5, perHandle: 7, windowMs: 60_000 };

async function failN(l: LoginLimiter, n: number, handle: string, ip: string, now: number): Promise<void> {
  for (let i = 0; i < n; i++) await l.fail(handle, ip, now);
}

describe('LoginLimiter', async () => {
  it('locks a handle-and-IP pair at its limit, for what is left of the window', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    await failN(l, 2, 'h', '1.1.1.1', 0);
    expect(await l.retryAfter('h', '1.1.1.1', 0)).toBe(0);
    await l.fail('h', '1.1.1.1', 10_000);
    expect(await l.retryAfter('h', '1.1.1.1', 10_000)).toBe(50);
    expect(await l.retryAfter('h', '1.1.1.1', 59_999)).toBe(1);
    expect(await l.retryAfter('h', '1.1.1.1', 60_000)).toBe(0);
  });

  it('locks an IP across handles, and a handle across IPs', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    for (let i = 0; i < 5; i++) await l.fail(`h${i}`, '2.2.2.2', 0);
    expect(await l.retryAfter('fresh', '2.2.2.2', 0)).toBeGreaterThan(0);
    expect(await l.retryAfter('fresh', '3.3.3.3', 0)).toBe(0);
    for (let i = 0; i < 7; i++) await l.fail('target', `10.0.0.${i}`, 0);
    expect(await l.retryAfter('target', '10.0.0.99', 0)).toBeGreaterThan(0);
  });

  it('a success clears the pair only, not the IP or handle counts', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    await failN(l, 2, 'h', '4.4.4.4', 0);
    await l.succeed('h', '4.4.4.4');
    await failN(l, 2, 'h', '4.4.4.4', 0);
    expect(await l.retryAfter('h', '4.4.4.4', 0)).toBe(0);
    await l.fail('h', '4.4.4.4', 0);
    // The IP has now failed 5 times in the window (2 before the success, 3 after).
    expect(await l.retryAfter('other', '4.4.4.4', 0)).toBeGreaterThan(0);
  });

  it('a new window starts counting afresh', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    await failN(l, 3, 'h', '5.5.5.5', 0);
    expect(await l.retryAfter('h', '5.5.5.5', 1)).toBeGreaterThan(0);
    await l.fail('h', '5.5.5.5', 60_001);
    expect(await l.retryAfter('h', '5.5.5.5', 60_001)).toBe(0);
  });
});
