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
 * The interface is asynchronous so that a limiter shared by several instances can live in the
 * database; this implementation keeps its counts in this process only.
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

interface Window {
  count: number;
  resetAt: number;
  last: number;
}

const MAX_KEYS = 100_000;

export class LoginLimiter implements LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly limits: LoginLimits;

  constructor(limits: Partial<LoginLimits> = {}) {
    this.limits = { ...defaultLoginLimits, ...limits };
  }

  private live(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    return w && w.resetAt > now ? w : undefined;
  }

  async retryAfter(handle: string, ip: string, now: number): Promise<number> {
    const { perPair, perIp, perHandle, windowMs, backoffBaseMs } = this.limits;
    const seconds = (until: number) => Math.max(0, Math.ceil((until - now) / 1000));
    let wait = 0;
    const byIp = this.live(`i:${ip}`, now);
    if (byIp && byIp.count >= perIp) wait = Math.max(wait, seconds(byIp.resetAt));
    const pair = this.live(pairKey(handle, ip), now);
    if (!pair) return wait;
    const underAttack = (this.live(`h:${handle}`, now)?.count ?? 0) >= perHandle;
    if (underAttack) {
      const backoff = Math.min(backoffBaseMs * 2 ** (pair.count - 1), windowMs);
      wait = Math.max(wait, seconds(pair.last + backoff));
    } else if (pair.count >= perPair) {
      wait = Math.max(wait, seconds(pair.resetAt));
    }
    return wait;
  }

  async fail(handle: string, ip: string, now: number): Promise<void> {
    for (const key of [pairKey(handle, ip), `i:${ip}`, `h:${handle}`]) {
      const w = this.live(key, now);
      if (!w) this.windows.set(key, { count: 1, resetAt: now + this.limits.windowMs, last: now });
      else {
        w.count++;
        w.last = now;
        // A pair in backoff keeps its record until its wait is over.
        if (key.startsWith('p:')) w.resetAt = Math.max(w.resetAt, now + this.limits.windowMs);
      }
    }
    if (this.windows.size > MAX_KEYS) this.prune(now);
  }

  async succeed(handle: string, ip: string): Promise<void> {
    this.windows.delete(pairKey(handle, ip));
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order) to bound memory.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= MAX_KEYS * 0.9) break;
      this.windows.delete(key);
    }
  }
}

function pairKey(handle: string, ip: string): string {
  return `p:${handle}\u0000${ip}`;
}
