import { and, desc, eq, isNull } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { NotificationRow, NotificationsRepo } from '../contract.js';
import type { Db } from './open.js';
import { notifications } from './schema.js';

type DbNotification = typeof notifications.$inferSelect;

const fromDb = (r: DbNotification): NotificationRow => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> });

export function notificationsRepo(db: Db): NotificationsRepo {
  const byId = async (accountId: string, id: string) => {
    const [r] = await db.select().from(notifications).where(and(eq(notifications.recipientAccountId, accountId), eq(notifications.id, id)));
    return r;
  };
  return {
    async add(rows) {
      if (rows.length === 0) return 0;
      // The dedupe key is unique: the same notice raised on two instances is stored once.
      const added = await db
        .insert(notifications)
        .values(rows.map((r) => ({ ...r, data: JSON.stringify(r.data) })))
        .onConflictDoNothing()
        .returning({ id: notifications.id });
      return added.length;
    },

    async list(accountId, q) {
      const before = olderThan(notifications.at, notifications.id, q.before && { time: q.before.at, id: q.before.id });
      const rows = await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.recipientAccountId, accountId), q.unread ? isNull(notifications.readAt) : undefined, before))
        .orderBy(desc(notifications.at), desc(notifications.id))
        .limit(q.limit);
      return rows.map(fromDb);
    },

    async markRead(accountId, id, now) {
      await db
        .update(notifications)
        .set({ readAt: now })
        .where(and(eq(notifications.recipientAccountId, accountId), eq(notifications.id, id), isNull(notifications.readAt)));
      const r = await byId(accountId, id);
      return r ? fromDb(r) : undefined;
    },
  };
}
