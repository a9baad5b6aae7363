import pg from 'pg';
import type { EventChannel, EventsPort } from '../contract.js';
import type { Db } from './open.js';

const CHANNELS: readonly EventChannel[] = ['alert', 'data-key', 'keys-file'];
const channelName = (c: EventChannel) => `tessera_${c.replace('-', '_')}`;
const byName = new Map(CHANNELS.map((c) => [channelName(c), c]));

/** How long to wait before listening again after the connection dropped. */
const RECONNECT_MS = 1_000;

/**
 * Notices between instances through LISTEN/NOTIFY. NOTIFY is delivered after the publisher's
 * commit to every session listening, this instance's own included. One dedicated connection
 * per process listens to every channel, from the first subscription on; if it drops, it
 * reconnects, and notices sent meanwhile are missed (listeners re-read the database, so a
 * missed notice delays, never loses, what it announces).
 */
export function postgresEvents(url: string, db: Db, onError: (e: Error) => void): EventsPort & { close(): Promise<void> } {
  const listeners = new Map<EventChannel, Set<(payload: string) => void>>(CHANNELS.map((c) => [c, new Set()]));
  let client: pg.Client | undefined;
  let started = false;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const listen = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    const again = (e?: Error) => {
      if (e) onError(e);
      if (client === c) client = undefined;
      c.removeAllListeners();
      c.on('error', () => undefined);
      c.end().catch(() => undefined);
      if (!closed && !retry) retry = setTimeout(() => {
        retry = undefined;
        void listen();
      }, RECONNECT_MS).unref();
    };
    c.on('notification', (msg) => {
      const channel = byName.get(msg.channel);
      if (!channel) return;
      for (const l of listeners.get(channel)!) l(msg.payload ?? '');
    });
    c.on('error', again);
    c.on('end', () => again());
    try {
      await c.connect();
      for (const ch of CHANNELS) await c.query(`LISTEN ${channelName(ch)}`);
      client = c;
      if (closed) await c.end();
    } catch (e) {
      again(e as Error);
    }
  };

  return {
    async publish(channel, payload) {
      await db.$client.query('SELECT pg_notify($1, $2)', [channelName(channel), payload]);
    },
    subscribe(channel, listener) {
      if (!started) {
        started = true;
        void listen();
      }
      listeners.get(channel)!.add(listener);
      return () => listeners.get(channel)!.delete(listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
