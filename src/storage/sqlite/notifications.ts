import { and, desc, eq, isNull } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { NotificationRow, NotificationsRepo } from '../contract.js';
import type { Db } from './open.js';
import { notifications } from './schema.js';

type DbNotification = typeof notifications.$inferSelect;

const fromDb = (r: DbNotification): NotificationRow => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> });

export function notificationsRepo(db: Db): NotificationsRepo {
  const byId = (accountId: string, id: string) =>
    db.select().from(notifications).where(and(eq(notifications.recipientAccountId, accountId), eq(notifications.id, id))).get();
  return {
    async add(rows) {
      if (rows.length === 0) return 0;
      return db.transaction(() => {
        let added = 0;
        for (const r of rows) {
          added += db
            .insert(notifications)
            .values({ ...r, data: JSON.stringify(r.data) })
            .onConflictDoNothing()
            .run().changes;
        }
        return added;
      });
    },

    async list(accountId, q) {
      const before = olderThan(notifications.at, notifications.id, q.before && { time: q.before.at, id: q.before.id });
      return db
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientAccountId, accountId), q.unread ? isNull(notifications.readAt) : undefined, before))
        .orderBy(desc(notifications.at), desc(notifications.id))
        .limit(q.limit)
        .all()
        .map(fromDb);
    },

    async markRead(accountId, id, now) {
      db.update(notifications)
        .set({ readAt: now })
        .where(and(eq(notifications.recipientAccountId, accountId), eq(notifications.id, id), isNull(notifications.readAt)))
        .run();
      const r = byId(accountId, id);
      return r ? fromDb(r) : undefined;
    },
  };
}
