import { EventEmitter } from 'node:events';
import type { AlertRow, AlertsRepo, EventsPort } from '../../storage/contract.js';

/**
 * Fan-out of new alerts to live streams (SSE), across instances: a write on one instance
 * announces the alert's id through the storage's events (PostgreSQL LISTEN/NOTIFY), and every
 * instance holding a stream for that watcher reads the stored row back. Alerts are stored first;
 * this only tells open connections, so a missed event is never a lost alert. It carries the
 * stored row, never opened content: each stream decides for itself whether it may still show it.
 */
export class AlertBus {
  private readonly local = new EventEmitter();
  private listening: (() => void) | undefined;

  constructor(
    private readonly events: EventsPort,
    private readonly alerts: AlertsRepo,
  ) {
    // One listener per open stream; many supporters may watch at once.
    this.local.setMaxListeners(0);
  }

  /** Announces a stored alert to every instance. */
  publish(watcherAccountId: string, alert: AlertRow): void {
    this.events.publish('alert', `${watcherAccountId} ${alert.id}`).catch(() => undefined);
  }

  /** @returns a function that unsubscribes */
  subscribe(watcherAccountId: string, listener: (alert: AlertRow) => void): () => void {
    // This process listens to the database only while it holds a stream.
    this.listening ??= this.events.subscribe('alert', (payload) => {
      const [watcher, alertId] = payload.split(' ');
      if (!watcher || !alertId || this.local.listenerCount(watcher) === 0) return;
      this.alerts.get(watcher, alertId).then(
        (row) => row && this.local.emit(watcher, row),
        () => undefined,
      );
    });
    this.local.on(watcherAccountId, listener);
    return () => {
      this.local.off(watcherAccountId, listener);
      if (this.local.eventNames().length === 0 && this.listening) {
        this.listening();
        this.listening = undefined;
      }
    };
  }
}
