/**
 * Counts failed logins in fixed windows, per (handle, IP), per IP and per handle. The per-pair
 * limit is tight, so a guesser is stopped quickly; the per-handle limit is much looser, so
 * someone failing on purpose from a few addresses cannot keep the owner out for long, and every
 * lock ends with its window (no indefinite lockout).
 */
export interface LoginLimits {
  perPair: number;
  perIp: number;
  perHandle: number;
  windowMs: number;
}

export const defaultLoginLimits: LoginLimits = { perPair: 5, perIp: 30, perHandle: 100, windowMs: 15 * 60 * 1000 };

interface Window {
  count: number;
  resetAt: number;
}

const MAX_KEYS = 100_000;

export class LoginLimiter {
  private readonly windows = new Map<string, Window>();
  constructor(private readonly limits: LoginLimits = defaultLoginLimits) {}

  private keys(handle: string, ip: string): [string, number][] {
    return [
      [`p:${handle}\u0000${ip}`, this.limits.perPair],
      [`i:${ip}`, this.limits.perIp],
      [`h:${handle}`, this.limits.perHandle],
    ];
  }

  /** @returns seconds to wait before another attempt, or 0 when one may be made now */
  retryAfter(handle: string, ip: string, now: number): number {
    let wait = 0;
    for (const [key, max] of this.keys(handle, ip)) {
      const w = this.windows.get(key);
      if (w && w.resetAt > now && w.count >= max) wait = Math.max(wait, Math.ceil((w.resetAt - now) / 1000));
    }
    return wait;
  }

  fail(handle: string, ip: string, now: number): void {
    for (const [key] of this.keys(handle, ip)) {
      const w = this.windows.get(key);
      if (!w || w.resetAt <= now) this.windows.set(key, { count: 1, resetAt: now + this.limits.windowMs });
      else w.count++;
    }
    if (this.windows.size > MAX_KEYS) this.prune(now);
  }

  /** A successful login clears that pair's failures (not the IP's or the handle's). */
  succeed(handle: string, ip: string): void {
    this.windows.delete(`p:${handle}\u0000${ip}`);
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
