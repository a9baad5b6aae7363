import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm';
import type { WebhookRow, WebhooksRepo } from '../contract.js';
import { fromStoredAlert, toBuffer } from '../rows.js';
import type { Db } from './open.js';
import { alerts, webhookDeliveries, webhooks } from './schema.js';

const fromDb = (w: typeof webhooks.$inferSelect): WebhookRow => ({ ...w, sealedSecret: new Uint8Array(w.sealedSecret) });

export function webhooksRepo(db: Db): WebhooksRepo {
  return {
    async put(row) {
      const stored = { ...row, sealedSecret: toBuffer(row.sealedSecret) };
      await db
        .insert(webhooks)
        .values(stored)
        .onConflictDoUpdate({ target: webhooks.organisationId, set: { url: stored.url, kekId: stored.kekId, sealedSecret: stored.sealedSecret, createdAt: stored.createdAt } });
    },

    async get(organisationId) {
      const [w] = await db.select().from(webhooks).where(eq(webhooks.organisationId, organisationId));
      return w ? fromDb(w) : undefined;
    },

    async delete(organisationId) {
      const gone = await db.delete(webhooks).where(eq(webhooks.organisationId, organisationId)).returning({ id: webhooks.organisationId });
      return gone.length > 0;
    },

    async claim(now, limit, leaseMs) {
      return db.transaction(async (tx) => {
        // SKIP LOCKED: a batch another instance is claiming right now is passed over, not
        // waited for, and never claimed twice.
        const due = await tx
          .select()
          .from(webhookDeliveries)
          .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
          .orderBy(asc(webhookDeliveries.nextAttemptAt))
          .limit(limit)
          .for('update', { skipLocked: true });
        if (due.length === 0) return [];
        const leased = now + leaseMs;
        await tx
          .update(webhookDeliveries)
          .set({ nextAttemptAt: leased })
          .where(inArray(webhookDeliveries.id, due.map((d) => d.id)));
        return due.map((d) => ({ ...d, nextAttemptAt: leased }));
      });
    },

    async getAlert(alertId) {
      const [a] = await db.select().from(alerts).where(eq(alerts.id, alertId));
      return a ? fromStoredAlert(a) : undefined;
    },

    async settle(id, outcome) {
      await db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id));
    },

    async listAll() {
      return (await db.select().from(webhooks)).map(fromDb);
    },

    async listDeliveries(organisationId, limit) {
      return db.select().from(webhookDeliveries).where(eq(webhookDeliveries.organisationId, organisationId)).orderBy(desc(webhookDeliveries.createdAt)).limit(limit);
    },
  };
}
