import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/features/tokens/login-limiter.js';
import { memoryCounters } from '../../src/storage/sqlite/in-process.js';

const limits = { perPair: 3, perIp: 5, perHandle: 7, windowMs: 60_000, backoffBaseMs: 1_000 };

async function failN(l: LoginLimiter, n: number, handle: string, ip: string, now: number): Promise<void> {
  for (let i = 0; i < n; i++) await l.fail(handle, ip, now);
}

describe('LoginLimiter', () => {
  it('locks a handle-and-IP pair at its limit, for a window from its last failure', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    await failN(l, 2, 'h', '1.1.1.1', 0);
    expect(await l.retryAfter('h', '1.1.1.1', 0)).toBe(0);
    await l.fail('h', '1.1.1.1', 10_000);
    expect(await l.retryAfter('h', '1.1.1.1', 10_000)).toBe(60);
    expect(await l.retryAfter('h', '1.1.1.1', 69_999)).toBe(1);
    expect(await l.retryAfter('h', '1.1.1.1', 70_000)).toBe(0);
  });

  it('locks an IP across handles', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    for (let i = 0; i < 5; i++) await l.fail(`h${i}`, '2.2.2.2', 0);
    expect(await l.retryAfter('fresh', '2.2.2.2', 0)).toBeGreaterThan(0);
    expect(await l.retryAfter('fresh', '3.3.3.3', 0)).toBe(0);
  });

  it('a handle under attack from many addresses never refuses a pair that has not failed', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    for (let i = 0; i < 50; i++) await l.fail('target', `10.0.0.${i}`, 0);
    // The owner's own address has made no attempt: it may try now.
    expect(await l.retryAfter('target', '192.0.2.1', 0)).toBe(0);
  });

  it('under attack every pair backs off exponentially from its first failure, up to the window', async () => {
    const l = new LoginLimiter(memoryCounters(), limits);
    for (let i = 0; i < 7; i++) await l.fail('target', `10.0.1.${i}`, 0);
    await l.fail('target', '198.51.100.9', 0);
    expect(await l.retryAfter('target', '198.51.100.9', 0)).toBe(1);
    expect(await l.retryAfter('target', '198.51.100.9', 1_000)).toBe(0);
    await l.fail('target', '198.51.100.9', 1_000);
    expect(await l.retryAfter('target', '198.51.100.9', 1_000)).toBe(2);
    await failN(l, 10, 'target', '198.51.100.9', 3_000);
    // 2^11 s would exceed the window: the wait is capped at the window.
    expect(await l.retryAfter('target', '198.51.100.9', 3_000)).toBe(60);
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
