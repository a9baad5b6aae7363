import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Clock } from '../core/clock.js';
import type { CountersRepo } from '../storage/contract.js';

/**
 * A @fastify/rate-limit store on the storage's counters, so a limit counts every request to
 * any instance on the database (docs/architecture.md "Several instances"). Each route counts
 * in its own namespace, as the plugin's in-memory store keeps one map per route.
 * @returns the store class the plugin instantiates
 */
export function counterStore(counters: CountersRepo, clock: Clock): FastifyRateLimitStoreCtor {
  const store = (namespace: string): FastifyRateLimitStore => ({
    incr(key, callback, timeWindow) {
      const now = clock.now();
      counters.hit([`rate:${namespace}:${key}`], timeWindow, now).then(
        ([w]) => callback(null, { current: w!.count, ttl: Math.max(0, w!.resetAt - now) }),
        (e: unknown) => callback(e as Error),
      );
    },
    child(routeOptions) {
      const route = (routeOptions as { routeInfo?: { method?: unknown; url?: unknown } }).routeInfo;
      return store(`${String(route?.method ?? '')} ${String(route?.url ?? routeOptions.path ?? '')}`);
    },
  });
  return class {
    constructor() {
      return store('global');
    }
  } as unknown as FastifyRateLimitStoreCtor;
}
