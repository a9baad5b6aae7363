import type { WriteEffects } from '../contract.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { webhookDeliveries } from './schema.js';
import { insertAlert } from './watches.js';

/** Applies a record write's effects; call inside the write's transaction. */
export function applyEffects(db: Db, effects: WriteEffects | undefined): void {
  if (!effects) return;
  for (const a of effects.alerts) insertAlert(db, a);
  for (const d of effects.deliveries) db.insert(webhookDeliveries).values(d).run();
  for (const l of effects.logs) appendLogEntry(db, l);
}
