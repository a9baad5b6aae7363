import { and, asc, desc, eq, inArray, lte } from 'drizzle-orm';
import type { WebhooksRepo } from '../contract.js';
import type { Db } from './open.js';
import { alerts, webhookDeliveries, webhooks } from './schema.js';
import { fromStoredAlert as fromDbAlert } from '../rows.js';

export function webhooksRepo(db: Db): WebhooksRepo {
  return {
    async put(row) {
      db.insert(webhooks)
        .values({ ...row, sealedSecret: Buffer.from(row.sealedSecret) })
        .onConflictDoUpdate({
          target: webhooks.organisationId,
          set: { url: row.url, kekId: row.kekId, sealedSecret: Buffer.from(row.sealedSecret), createdAt: row.createdAt },
        })
        .run();
    },

    async get(organisationId) {
      const w = db.select().from(webhooks).where(eq(webhooks.organisationId, organisationId)).get();
      return w ? { ...w, sealedSecret: new Uint8Array(w.sealedSecret) } : undefined;
    },

    async delete(organisationId) {
      return db.delete(webhooks).where(eq(webhooks.organisationId, organisationId)).run().changes > 0;
    },

    async claim(now, limit, leaseMs) {
      return db.transaction(
        () => {
          const due = db
            .select()
            .from(webhookDeliveries)
            .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
            .orderBy(asc(webhookDeliveries.nextAttemptAt))
            .limit(limit)
            .all();
          if (due.length === 0) return [];
          const leased = now + leaseMs;
          db.update(webhookDeliveries)
            .set({ nextAttemptAt: leased })
            .where(inArray(webhookDeliveries.id, due.map((d) => d.id)))
            .run();
          return due.map((d) => ({ ...d, nextAttemptAt: leased }));
        },
        { behavior: 'immediate' },
      );
    },

    async getAlert(alertId) {
      const a = db.select().from(alerts).where(eq(alerts.id, alertId)).get();
      return a ? fromDbAlert(a) : undefined;
    },

    async settle(id, outcome) {
      db.update(webhookDeliveries).set(outcome).where(eq(webhookDeliveries.id, id)).run();
    },

    async listAll() {
      return db
        .select()
        .from(webhooks)
        .all()
        .map((w) => ({ ...w, sealedSecret: new Uint8Array(w.sealedSecret) }));
    },

    async listDeliveries(organisationId, limit) {
      return db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.organisationId, organisationId))
        .orderBy(desc(webhookDeliveries.createdAt))
        .limit(limit)
        .all();
    },
  };
}
