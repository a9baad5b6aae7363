import type { FastifyBaseLogger } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { Deps } from '../../core/deps.js';
import type { DeliveryRow } from '../../storage/contract.js';
import { toAlertView } from '../alerts/service.js';
import { webhookSecret } from './service.js';

const MAX_ATTEMPTS = 10;
const TIMEOUT_MS = 10_000;
const BATCH = 20;
/** A claimed batch is this worker's for as long as delivering all of it may take. */
const LEASE_MS = BATCH * TIMEOUT_MS + 60_000;

/** Exponential backoff: 5 s, 20 s, 80 s … capped at 6 h, with ±20 % jitter so retries spread. */
export function backoffMs(failures: number): number {
  const base = Math.min(5_000 * 4 ** (failures - 1), 6 * 3600 * 1000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Delivers alerts from the outbox to organisations' webhooks, signed per Standard Webhooks
 * (webhook-id stays the same across retries, so receivers can de-duplicate). Because the
 * outbox is in the database, deliveries pending at a crash or restart go out afterwards.
 * @returns a function that stops the worker after the delivery in flight
 */
export function startWebhookWorker(deps: Deps, log: FastifyBaseLogger, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;

  const deliver = async (d: DeliveryRow) => {
    const now = deps.clock.now();
    const [alert, hook] = [await deps.storage.webhooks.getAlert(d.alertId), await deps.storage.webhooks.get(d.organisationId)];
    if (!alert || !hook) {
      await deps.storage.webhooks.settle(d.id, { status: 'failed', attempts: d.attempts, nextAttemptAt: now, lastError: 'alert or webhook removed', deliveredAt: null });
      return;
    }
    const body = JSON.stringify({ type: 'alert.raised', timestamp: new Date(now).toISOString(), data: await toAlertView(deps, alert, true) });
    const signature = new Webhook(webhookSecret(deps, hook)).sign(d.id, new Date(now), body);
    let error: string | null = null;
    try {
      const res = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': d.id,
          'webhook-timestamp': String(Math.floor(now / 1000)),
          'webhook-signature': signature,
        },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) error = `HTTP ${res.status}`;
      await res.body?.cancel();
    } catch (e) {
      error = (e as Error).name === 'TimeoutError' ? 'timeout' : 'connection failed';
    }
    const attempts = d.attempts + 1;
    if (error === null) {
      await deps.storage.webhooks.settle(d.id, { status: 'delivered', attempts, nextAttemptAt: now, lastError: null, deliveredAt: deps.clock.now() });
    } else {
      const last = attempts >= MAX_ATTEMPTS;
      log.warn({ deliveryId: d.id, attempts, error }, last ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
      await deps.storage.webhooks.settle(d.id, {
        status: last ? 'failed' : 'pending',
        attempts,
        nextAttemptAt: now + backoffMs(attempts),
        lastError: error,
        deliveredAt: null,
      });
    }
  };

  const tick = async () => {
    // Claimed, not just read: with several instances each delivery goes out from one of them.
    const due = await deps.storage.webhooks.claim(deps.clock.now(), BATCH, LEASE_MS);
    for (const d of due) {
      if (stopped) return;
      await deliver(d).catch((e: unknown) => log.error({ err: e, deliveryId: d.id }, 'webhook delivery crashed'));
    }
  };

  const timer = setInterval(() => {
    running ??= tick().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();

  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
