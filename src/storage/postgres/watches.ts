import { and, asc, count, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { AlertsRepo, WatchesRepo } from '../contract.js';
import { fromStoredAlert, fromStoredWatch, toStoredAlert } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { alerts, watches } from './schema.js';

export function watchesRepo(db: Db): WatchesRepo {
  return {
    async create(row, log) {
      await db.transaction(async (tx) => {
        await tx.insert(watches).values(row);
        await appendLogEntry(tx, log);
      });
    },

    async get(subjectId, id) {
      const [w] = await db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), eq(watches.id, id), isNull(watches.deletedAt)));
      return w ? fromStoredWatch(w) : undefined;
    },

    async listForSubject(subjectId, type) {
      const rows = await db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), type ? eq(watches.type, type) : undefined, isNull(watches.deletedAt)))
        .orderBy(asc(watches.createdAt));
      return rows.map(fromStoredWatch);
    },

    async pageForSubject(subjectId, q) {
      const after = q.after ? or(gt(watches.createdAt, q.after.createdAt), and(eq(watches.createdAt, q.after.createdAt), gt(watches.id, q.after.id))) : undefined;
      const rows = await db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), isNull(watches.deletedAt), after))
        .orderBy(asc(watches.createdAt), asc(watches.id))
        .limit(q.limit);
      return rows.map(fromStoredWatch);
    },

    async countLive(subjectId, watcherAccountId) {
      const rows = await db
        .select({ watcher: watches.watcherAccountId, n: count() })
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), isNull(watches.deletedAt)))
        .groupBy(watches.watcherAccountId);
      return { total: rows.reduce((s, r) => s + Number(r.n), 0), byWatcher: Number(rows.find((r) => r.watcher === watcherAccountId)?.n ?? 0) };
    },

    async listForWatcher(accountId, subjectId) {
      const rows = await db
        .select()
        .from(watches)
        .where(and(eq(watches.watcherAccountId, accountId), eq(watches.subjectId, subjectId), isNull(watches.deletedAt)))
        .orderBy(asc(watches.createdAt));
      return rows.map(fromStoredWatch);
    },

    async remove(watch, by, now, notice, log) {
      return db.transaction(async (tx) => {
        const changed = await tx
          .update(watches)
          .set({ deletedAt: now, deletedBy: by })
          .where(and(eq(watches.id, watch.id), isNull(watches.deletedAt)))
          .returning({ id: watches.id });
        if (changed.length === 0) return false;
        if (notice) await tx.insert(alerts).values(toStoredAlert(notice));
        if (log) await appendLogEntry(tx, log);
        return true;
      });
    },
  };
}

export function alertsRepo(db: Db): AlertsRepo {
  const byId = async (accountId: string, id: string) => {
    const [a] = await db
      .select()
      .from(alerts)
      .where(and(eq(alerts.watcherAccountId, accountId), eq(alerts.id, id)));
    return a ? fromStoredAlert(a) : undefined;
  };
  return {
    async listForWatcher(accountId, q) {
      const before = olderThan(alerts.at, alerts.id, q.before && { time: q.before.at, id: q.before.id });
      const rows = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.watcherAccountId, accountId), q.unacked ? isNull(alerts.ackedAt) : undefined, before))
        .orderBy(desc(alerts.at), desc(alerts.id))
        .limit(q.limit);
      return rows.map(fromStoredAlert);
    },

    get: byId,

    async ack(accountId, id, now) {
      await db
        .update(alerts)
        .set({ ackedAt: now })
        .where(and(eq(alerts.watcherAccountId, accountId), eq(alerts.id, id), isNull(alerts.ackedAt)));
      return byId(accountId, id);
    },

    async dueForEscalation(now, limit) {
      const rows = await db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'match'), lte(alerts.escalateAt, now), isNull(alerts.ackedAt), isNull(alerts.escalatedAt)))
        .orderBy(asc(alerts.escalateAt))
        .limit(limit);
      return rows.map(fromStoredAlert);
    },

    async escalate(alert, now, copies, log) {
      // The claiming UPDATE is the lock: of two instances escalating the same alert, one wins.
      return db.transaction(async (tx) => {
        const claimed = await tx
          .update(alerts)
          .set({ escalatedAt: now })
          .where(and(eq(alerts.id, alert.id), isNull(alerts.ackedAt), isNull(alerts.escalatedAt)))
          .returning({ id: alerts.id });
        if (claimed.length === 0) return false;
        if (copies.length) await tx.insert(alerts).values(copies.map(toStoredAlert));
        if (log) await appendLogEntry(tx, log);
        return true;
      });
    },
  };
}
