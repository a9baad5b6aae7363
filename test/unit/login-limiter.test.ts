import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/features/tokens/login-limiter.js';

const limits = { perPair: 3, perIp: 5, perHandle: 7, windowMs: 60_000 };

function failN(l: LoginLimiter, n: number, handle: string, ip: string, now: number): void {
  for (let i = 0; i < n; i++) l.fail(handle, ip, now);
}

describe('LoginLimiter', () => {
  it('locks a handle-and-IP pair at its limit, for what is left of the window', () => {
    const l = new LoginLimiter(limits);
    failN(l, 2, 'h', '1.1.1.1', 0);
    expect(l.retryAfter('h', '1.1.1.1', 0)).toBe(0);
    l.fail('h', '1.1.1.1', 10_000);
    expect(l.retryAfter('h', '1.1.1.1', 10_000)).toBe(50);
    expect(l.retryAfter('h', '1.1.1.1', 59_999)).toBe(1);
    expect(l.retryAfter('h', '1.1.1.1', 60_000)).toBe(0);
  });

  it('locks an IP across handles, and a handle across IPs', () => {
    const l = new LoginLimiter(limits);
    for (let i = 0; i < 5; i++) l.fail(`h${i}`, '2.2.2.2', 0);
    expect(l.retryAfter('fresh', '2.2.2.2', 0)).toBeGreaterThan(0);
    expect(l.retryAfter('fresh', '3.3.3.3', 0)).toBe(0);
    for (let i = 0; i < 7; i++) l.fail('target', `10.0.0.${i}`, 0);
    expect(l.retryAfter('target', '10.0.0.99', 0)).toBeGreaterThan(0);
  });

  it('a success clears the pair only, not the IP or handle counts', () => {
    const l = new LoginLimiter(limits);
    failN(l, 2, 'h', '4.4.4.4', 0);
    l.succeed('h', '4.4.4.4');
    failN(l, 2, 'h', '4.4.4.4', 0);
    expect(l.retryAfter('h', '4.4.4.4', 0)).toBe(0);
    l.fail('h', '4.4.4.4', 0);
    // The IP has now failed 5 times in the window (2 before the success, 3 after).
    expect(l.retryAfter('other', '4.4.4.4', 0)).toBeGreaterThan(0);
  });

  it('a new window starts counting afresh', () => {
    const l = new LoginLimiter(limits);
    failN(l, 3, 'h', '5.5.5.5', 0);
    expect(l.retryAfter('h', '5.5.5.5', 1)).toBeGreaterThan(0);
    l.fail('h', '5.5.5.5', 60_001);
    expect(l.retryAfter('h', '5.5.5.5', 60_001)).toBe(0);
  });
});
