import { EventEmitter } from 'node:events';
import type { AlertRow } from '../../storage/contract.js';

/**
 * In-process fan-out of new alerts to live streams (SSE). Alerts are stored first; this only
 * tells open connections, so a missed event is never a lost alert. It carries the stored row,
 * never opened content: each stream decides for itself whether it may still show it.
 */
export class AlertBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open stream; many supporters may watch at once.
    this.emitter.setMaxListeners(0);
  }

  publish(watcherAccountId: string, alert: AlertRow): void {
    this.emitter.emit(watcherAccountId, alert);
  }

  /** @returns a function that unsubscribes */
  subscribe(watcherAccountId: string, listener: (alert: AlertRow) => void): () => void {
    this.emitter.on(watcherAccountId, listener);
    return () => this.emitter.off(watcherAccountId, listener);
  }
}
