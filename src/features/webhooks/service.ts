import { randomBytes } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { unwrapSecret, wrapSecret } from '../../crypto/envelope.js';
import { NotFoundError } from '../../errors.js';
import { checkWebhookUrl } from './destination.js';
import type { WebhookRow } from '../../storage/contract.js';
import type { WebhookInput, WebhookView } from './schemas.js';

export const WEBHOOK_SECRET_PURPOSE = 'webhook-secret';
const PURPOSE = WEBHOOK_SECRET_PURPOSE;

async function organisation(deps: Deps, orgId: string): Promise<void> {
  if (!(await deps.storage.organisations.get(orgId))) throw new NotFoundError('No such organisation');
}

/** Sets an organisation's webhook; answers the new signing secret once. */
export async function putWebhook(deps: Deps, orgId: string, input: WebhookInput): Promise<WebhookView> {
  await organisation(deps, orgId);
  const url = await checkWebhookUrl(input.url, deps.config.webhookAllowedHosts);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const kekId = deps.keyring.currentKekId;
  const row: WebhookRow = { organisationId: orgId, url, kekId, sealedSecret: wrapSecret(deps.keyring.kek(kekId), kekId, PURPOSE, orgId, secret), createdAt: deps.clock.now() };
  await deps.storage.webhooks.put(row);
  return { organisationId: orgId, url, createdAt: iso(row.createdAt), secret };
}

export async function getWebhook(deps: Deps, orgId: string): Promise<WebhookView> {
  const w = await deps.storage.webhooks.get(orgId);
  if (!w) throw new NotFoundError('This organisation has no webhook');
  return { organisationId: orgId, url: w.url, createdAt: iso(w.createdAt) };
}

export async function deleteWebhook(deps: Deps, orgId: string): Promise<void> {
  if (!(await deps.storage.webhooks.delete(orgId))) throw new NotFoundError('This organisation has no webhook');
}

/** @returns the webhook's signing secret, opened with the KEK */
export function webhookSecret(deps: Deps, w: WebhookRow): string {
  return unwrapSecret(deps.keyring.kek(w.kekId), w.kekId, PURPOSE, w.organisationId, w.sealedSecret);
}

export async function listDeliveries(deps: Deps, orgId: string) {
  await organisation(deps, orgId);
  const rows = await deps.storage.webhooks.listDeliveries(orgId, 100);
  return {
    items: rows.map((d) => ({
      id: d.id,
      alertId: d.alertId,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: iso(d.nextAttemptAt),
      lastError: d.lastError,
      createdAt: iso(d.createdAt),
      deliveredAt: isoOrNull(d.deliveredAt),
    })),
    nextCursor: null,
  };
}
