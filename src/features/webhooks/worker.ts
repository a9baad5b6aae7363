import type { FastifyBaseLogger } from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { Deps } from '../../core/deps.js';
import type { AlertRow, DeliveryRow } from '../../storage/contract.js';
import { grantsCoveringAlert, toAlertView } from '../alerts/service.js';
import { holderOf } from '../../core/holdings.js';
import { webhookSecret } from './service.js';
import { postWebhook } from './transport.js';

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
 * Whether an alert may still go to this organisation's endpoint, decided now from the database:
 * the watcher's account is active and still a member of the organisation, the record still
 * exists, and an active read grant *to the organisation* that reaches the watcher covers it. A
 * grant to one practitioner never sends their alerts to the organisation's systems.
 */
async function stillDeliverable(deps: Deps, alert: AlertRow, organisationId: string): Promise<boolean> {
  const holder = await holderOf(deps, alert.watcherAccountId);
  if (!holder || holder.organisationId !== organisationId) return false;
  const covering = await grantsCoveringAlert(deps, holder, alert, deps.clock.now());
  return covering.some((g) => g.granteeOrganisationId === organisationId);
}

/**
 * Delivers alerts from the outbox to organisations' webhooks, signed per Standard Webhooks
 * (webhook-id stays the same across retries, so receivers can de-duplicate). Because the
 * outbox is in the database, deliveries pending at a crash or restart go out afterwards. Every
 * attempt, first or retry, re-checks the consent behind the alert; what no longer holds is
 * cancelled, never sent. Failures are recorded as "no response" or the receiver's HTTP status
 * only, so the deliveries list cannot be used to probe networks.
 * @returns a function that stops the worker after the delivery in flight
 */
export function startWebhookWorker(deps: Deps, log: FastifyBaseLogger, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;

  const settle = (d: DeliveryRow, outcome: Parameters<Deps['storage']['webhooks']['settle']>[1]) => deps.storage.webhooks.settle(d.id, outcome);

  const deliver = async (d: DeliveryRow) => {
    const now = deps.clock.now();
    const [alert, hook] = [await deps.storage.webhooks.getAlert(d.alertId), await deps.storage.webhooks.get(d.organisationId)];
    if (!alert || !hook) {
      await settle(d, { status: 'cancelled', attempts: d.attempts, nextAttemptAt: now, lastError: 'alert or webhook removed', deliveredAt: null });
      return;
    }
    if (!(await stillDeliverable(deps, alert, d.organisationId))) {
      await settle(d, { status: 'cancelled', attempts: d.attempts, nextAttemptAt: now, lastError: 'consent no longer covers this alert', deliveredAt: null });
      return;
    }
    const body = JSON.stringify({ type: 'alert.raised', timestamp: new Date(now).toISOString(), data: await toAlertView(deps, alert, true) });
    const signature = new Webhook(webhookSecret(deps, hook)).sign(d.id, new Date(now), body);
    const outcome = await postWebhook(
      hook.url,
      {
        'content-type': 'application/json',
        'webhook-id': d.id,
        'webhook-timestamp': String(Math.floor(now / 1000)),
        'webhook-signature': signature,
      },
      body,
      { timeoutMs: TIMEOUT_MS, allowedHosts: deps.config.webhookAllowedHosts },
    );
    const error = 'status' in outcome ? (outcome.status >= 200 && outcome.status < 300 ? null : `HTTP ${outcome.status}`) : 'no response';
    const attempts = d.attempts + 1;
    if (error === null) {
      await settle(d, { status: 'delivered', attempts, nextAttemptAt: now, lastError: null, deliveredAt: deps.clock.now() });
      return;
    }
    const last = attempts >= MAX_ATTEMPTS;
    // The operator's log keeps the cause; the API shows only `error`.
    log.warn({ deliveryId: d.id, attempts, error, cause: 'cause' in outcome ? outcome.cause : undefined }, last ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
    await settle(d, { status: last ? 'failed' : 'pending', attempts, nextAttemptAt: now + backoffMs(attempts), lastError: error, deliveredAt: null });
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
