import type { CountersRepo } from '../../storage/contract.js';

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

/**
 * The limiter keeps its windows in the storage's counters, so every instance on one database
 * counts the same failures: alternating instances does not buy a guesser more tries.
 */
export class LoginLimiter {
  constructor(
    private readonly counters: CountersRepo,
    private readonly limits: LoginLimits = defaultLoginLimits,
  ) {}

  private keys(handle: string, ip: string): [string, number][] {
    return [
      [`login:p:${JSON.stringify([handle, ip])}`, this.limits.perPair],
      [`login:i:${ip}`, this.limits.perIp],
      [`login:h:${handle}`, this.limits.perHandle],
    ];
  }

  /** @returns seconds to wait before another attempt, or 0 when one may be made now */
  async retryAfter(handle: string, ip: string, now: number): Promise<number> {
    const keys = this.keys(handle, ip);
    const windows = await this.counters.peek(
      keys.map(([key]) => key),
      now,
    );
    let wait = 0;
    keys.forEach(([, max], i) => {
      const w = windows[i];
      if (w && w.count >= max) wait = Math.max(wait, Math.ceil((w.resetAt - now) / 1000));
    });
    return wait;
  }

  async fail(handle: string, ip: string, now: number): Promise<void> {
    await this.counters.hit(
      this.keys(handle, ip).map(([key]) => key),
      this.limits.windowMs,
      now,
    );
  }

  /** A successful login clears that pair's failures (not the IP's or the handle's). */
  async succeed(handle: string, ip: string): Promise<void> {
    await this.counters.clear(this.keys(handle, ip)[0]![0]);
  }
}
