import type { WriteEffects } from '../contract.js';
import { toStoredAlert } from '../rows.js';
import { appendLogEntries } from './access-log.js';
import type { Tx } from './open.js';
import { alerts, webhookDeliveries } from './schema.js';

/** Applies a record write's effects inside the write's transaction. */
export async function applyEffects(tx: Tx, effects: WriteEffects | undefined): Promise<void> {
  if (!effects) return;
  if (effects.alerts.length) await tx.insert(alerts).values(effects.alerts.map(toStoredAlert));
  if (effects.deliveries.length) await tx.insert(webhookDeliveries).values(effects.deliveries);
  await appendLogEntries(tx, effects.logs);
}
