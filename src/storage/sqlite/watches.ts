import { and, asc, count, desc, eq, gt, isNull, lte, or, sql } from 'drizzle-orm';
import { olderThan } from '../keyset.js';
import type { AlertRow, AlertsRepo, WatchesRepo } from '../contract.js';
import { fromStoredAlert as fromDbAlert, fromStoredWatch as fromDbWatch, toStoredAlert } from '../rows.js';
import { appendLogEntry } from './access-log.js';
import type { Db } from './open.js';
import { alerts, watches } from './schema.js';

export function insertAlert(db: Db, a: AlertRow): void {
  db.insert(alerts).values(toStoredAlert(a)).run();
}

export function watchesRepo(db: Db): WatchesRepo {
  // Every record write asks this of its person, so it is prepared once.
  const live = db
    .select()
    .from(watches)
    .where(and(eq(watches.subjectId, sql.placeholder('subjectId')), isNull(watches.deletedAt)))
    .orderBy(asc(watches.createdAt))
    .prepare();
  return {
    async create(row, log) {
      db.transaction(
        () => {
          db.insert(watches).values(row).run();
          appendLogEntry(db, log);
        },
        { behavior: 'immediate' },
      );
    },

    async get(subjectId, id) {
      const w = db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), eq(watches.id, id), isNull(watches.deletedAt)))
        .get();
      return w ? fromDbWatch(w) : undefined;
    },

    async listForSubject(subjectId, type) {
      if (!type) return live.all({ subjectId }).map(fromDbWatch);
      return db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), type ? eq(watches.type, type) : undefined, isNull(watches.deletedAt)))
        .orderBy(asc(watches.createdAt))
        .all()
        .map(fromDbWatch);
    },

    async pageForSubject(subjectId, q) {
      const after = q.after ? or(gt(watches.createdAt, q.after.createdAt), and(eq(watches.createdAt, q.after.createdAt), gt(watches.id, q.after.id))) : undefined;
      return db
        .select()
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), isNull(watches.deletedAt), after))
        .orderBy(asc(watches.createdAt), asc(watches.id))
        .limit(q.limit)
        .all()
        .map(fromDbWatch);
    },

    async countLive(subjectId, watcherAccountId) {
      const rows = db
        .select({ watcher: watches.watcherAccountId, n: count() })
        .from(watches)
        .where(and(eq(watches.subjectId, subjectId), isNull(watches.deletedAt)))
        .groupBy(watches.watcherAccountId)
        .all();
      return { total: rows.reduce((s, r) => s + r.n, 0), byWatcher: rows.find((r) => r.watcher === watcherAccountId)?.n ?? 0 };
    },

    async listForWatcher(accountId, subjectId) {
      return db
        .select()
        .from(watches)
        .where(and(eq(watches.watcherAccountId, accountId), eq(watches.subjectId, subjectId), isNull(watches.deletedAt)))
        .orderBy(asc(watches.createdAt))
        .all()
        .map(fromDbWatch);
    },

    async remove(watch, by, now, notice, log) {
      return db.transaction(
        () => {
          const changed = db
            .update(watches)
            .set({ deletedAt: now, deletedBy: by })
            .where(and(eq(watches.id, watch.id), isNull(watches.deletedAt)))
            .run().changes;
          if (changed === 0) return false;
          if (notice) insertAlert(db, notice);
          if (log) appendLogEntry(db, log);
          return true;
        },
        { behavior: 'immediate' },
      );
    },
  };
}

export function alertsRepo(db: Db): AlertsRepo {
  const byId = (accountId: string, id: string) =>
    db
      .select()
      .from(alerts)
      .where(and(eq(alerts.watcherAccountId, accountId), eq(alerts.id, id)))
      .get();
  return {
    async listForWatcher(accountId, q) {
      const before = olderThan(alerts.at, alerts.id, q.before && { time: q.before.at, id: q.before.id });
      return db
        .select()
        .from(alerts)
        .where(and(eq(alerts.watcherAccountId, accountId), q.unacked ? isNull(alerts.ackedAt) : undefined, before))
        .orderBy(desc(alerts.at), desc(alerts.id))
        .limit(q.limit)
        .all()
        .map(fromDbAlert);
    },

    async get(accountId, id) {
      const a = byId(accountId, id);
      return a ? fromDbAlert(a) : undefined;
    },

    async dueForEscalation(now, limit) {
      return db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'match'), lte(alerts.escalateAt, now), isNull(alerts.ackedAt), isNull(alerts.escalatedAt)))
        .orderBy(asc(alerts.escalateAt))
        .limit(limit)
        .all()
        .map(fromDbAlert);
    },

    async escalate(alert, now, copies, log) {
      return db.transaction(
        () => {
          const claimed = db
            .update(alerts)
            .set({ escalatedAt: now })
            .where(and(eq(alerts.id, alert.id), isNull(alerts.ackedAt), isNull(alerts.escalatedAt)))
            .run().changes;
          if (claimed === 0) return false;
          for (const c of copies) insertAlert(db, c);
          if (log) appendLogEntry(db, log);
          return true;
        },
        { behavior: 'immediate' },
      );
    },

    async ack(accountId, id, now) {
      db.update(alerts)
        .set({ ackedAt: now })
        .where(and(eq(alerts.watcherAccountId, accountId), eq(alerts.id, id), isNull(alerts.ackedAt)))
        .run();
      const a = byId(accountId, id);
      return a ? fromDbAlert(a) : undefined;
    },
  };
}
