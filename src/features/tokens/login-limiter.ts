import type { CountersRepo } from '../../storage/contract.js';

/**
 * Throttles password checks (logins, and every other route that takes a password, such as
 * erasure) per (handle, IP), per IP, and per handle, so that:
 * - a guesser on one address is stopped quickly (the per-pair limit);
 * - one address cannot spray many handles (the per-IP limit);
 * - many addresses guessing one handle slow each other down, but never lock the owner out: once
 *   a handle is under attack, every (handle, IP) pair gets a single attempt and then an
 *   exponential backoff, and a correct password from a pair that is not waiting still logs in.
 *   There is no flat per-handle refusal a stranger could hold for ever (docs/security.md).
 *
 * The interface is asynchronous so that a limiter shared by several instances lives in the
 * database: {@link LoginLimiter} counts in the storage's counters.
 */
export interface LoginThrottle {
  /** @returns seconds to wait before another attempt, or 0 when one may be made now */
  retryAfter(handle: string, ip: string, now: number): Promise<number>;
  /** Counts a failed attempt (wrong password, unknown handle). */
  fail(handle: string, ip: string, now: number): Promise<void>;
  /** A correct password clears that pair's failures (not the IP's or the handle's). */
  succeed(handle: string, ip: string): Promise<void>;
}

export interface LoginLimits {
  /** Failures a (handle, IP) pair may make in a window before it waits for the window's end. */
  perPair: number;
  /** Failures an IP may make across all handles in a window. */
  perIp: number;
  /** Failures of one handle (from anywhere) in a window that put it under attack. */
  perHandle: number;
  windowMs: number;
  /** Under attack, the wait after a pair's first failure; it doubles with each further failure. */
  backoffBaseMs: number;
}

export const defaultLoginLimits: LoginLimits = { perPair: 5, perIp: 30, perHandle: 20, windowMs: 15 * 60 * 1000, backoffBaseMs: 30_000 };

/**
 * The limiter keeps its windows in the storage's counters, so every instance on one database
 * counts the same failures: alternating instances buys a guesser nothing.
 */
export class LoginLimiter implements LoginThrottle {
  private readonly limits: LoginLimits;

  constructor(
    private readonly counters: CountersRepo,
    limits: Partial<LoginLimits> = {},
  ) {
    this.limits = { ...defaultLoginLimits, ...limits };
  }

  async retryAfter(handle: string, ip: string, now: number): Promise<number> {
    const { perPair, perIp, perHandle, windowMs, backoffBaseMs } = this.limits;
    const seconds = (until: number) => Math.max(0, Math.ceil((until - now) / 1000));
    const [byIp, pair, byHandle] = await this.counters.peek([ipKey(ip), pairKey(handle, ip), handleKey(handle)], now);
    let wait = 0;
    if (byIp && byIp.count >= perIp) wait = Math.max(wait, seconds(byIp.resetAt));
    if (!pair) return wait;
    const underAttack = (byHandle?.count ?? 0) >= perHandle;
    if (underAttack) {
      const backoff = Math.min(backoffBaseMs * 2 ** (pair.count - 1), windowMs);
      wait = Math.max(wait, seconds(pair.last + backoff));
    } else if (pair.count >= perPair) {
      wait = Math.max(wait, seconds(pair.resetAt));
    }
    return wait;
  }

  async fail(handle: string, ip: string, now: number): Promise<void> {
    const { windowMs } = this.limits;
    // A pair in backoff keeps its record until its wait is over: its window slides.
    await this.counters.hit([pairKey(handle, ip)], windowMs, now, { slide: true });
    await this.counters.hit([ipKey(ip), handleKey(handle)], windowMs, now);
  }

  async succeed(handle: string, ip: string): Promise<void> {
    await this.counters.clear(pairKey(handle, ip));
  }
}

/** Keys of the storage's counters; JSON keeps a handle and an address apart without a NUL. */
function pairKey(handle: string, ip: string): string {
  return `login:p:${JSON.stringify([handle, ip])}`;
}

const ipKey = (ip: string) => `login:i:${ip}`;
const handleKey = (handle: string) => `login:h:${handle}`;
