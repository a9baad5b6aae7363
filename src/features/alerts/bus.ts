import { EventEmitter } from 'node:events';
import type { EventsPort } from '../../storage/contract.js';

/**
 * Fan-out of new alerts to live streams (SSE), across instances: a write on one instance
 * publishes the alert's id through the storage's events (PostgreSQL LISTEN/NOTIFY), and every
 * instance tells the streams it holds for that watcher, which read the alert from the database.
 * Alerts are stored first; this only tells open connections, so a missed event is never a lost
 * alert.
 */
export class AlertBus {
  private readonly local = new EventEmitter();
  private listening: (() => void) | undefined;

  constructor(private readonly events: EventsPort) {
    // One listener per open stream; many supporters may watch at once.
    this.local.setMaxListeners(0);
  }

  /** Announces a stored alert to every instance. */
  async publish(watcherAccountId: string, alertId: string): Promise<void> {
    await this.events.publish('alert', `${watcherAccountId} ${alertId}`);
  }

  /**
   * @param listener called with the id of each new alert for this watcher
   * @returns a function that unsubscribes
   */
  subscribe(watcherAccountId: string, listener: (alertId: string) => void): () => void {
    // This process listens to the database only while it holds a stream.
    this.listening ??= this.events.subscribe('alert', (payload) => {
      const [watcher, alertId] = payload.split(' ');
      if (watcher && alertId) this.local.emit(watcher, alertId);
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
