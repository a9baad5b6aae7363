import { EventEmitter } from 'node:events';
import type { CountersRepo, CounterWindow, EventChannel, EventsPort } from '../contract.js';

/**
 * The parts of the SQLite adapter that live in memory. SQLite has one process per database
 * file, so counters and notices need no table: they are as shared as the database is. They
 * start empty at each start, as limits did before they moved behind the storage port.
 */

/** Counters bounded in number; the oldest windows go first when full. */
const MAX_KEYS = 100_000;

export function memoryCounters(): CountersRepo {
  const windows = new Map<string, CounterWindow>();
  const prune = (now: number) => {
    for (const [key, w] of windows) if (w.resetAt <= now) windows.delete(key);
    for (const key of windows.keys()) {
      if (windows.size <= MAX_KEYS * 0.9) break;
      windows.delete(key);
    }
  };
  return {
    async hit(keys, windowMs, now, options = {}) {
      const out = keys.map((key) => {
        const w = windows.get(key);
        if (w && w.resetAt > now) {
          w.count++;
          w.last = now;
          if (options.slide) w.resetAt = Math.max(w.resetAt, now + windowMs);
          return { ...w };
        }
        const fresh = { count: 1, resetAt: now + windowMs, last: now };
        windows.delete(key);
        windows.set(key, fresh);
        return { ...fresh };
      });
      if (windows.size > MAX_KEYS) prune(now);
      return out;
    },
    async peek(keys, now) {
      return keys.map((key) => {
        const w = windows.get(key);
        return w && w.resetAt > now ? { ...w } : null;
      });
    },
    async clear(key) {
      windows.delete(key);
    },
  };
}

export function memoryEvents(): EventsPort {
  const emitter = new EventEmitter();
  // One listener per open stream; many supporters may watch at once.
  emitter.setMaxListeners(0);
  return {
    async publish(channel: EventChannel, payload: string) {
      // Later, as a notice from another instance would be: never inside the publisher's call.
      setImmediate(() => emitter.emit(channel, payload));
    },
    subscribe(channel, listener) {
      emitter.on(channel, listener);
      return () => emitter.off(channel, listener);
    },
  };
}
