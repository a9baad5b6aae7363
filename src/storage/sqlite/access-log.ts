import type Database from 'better-sqlite3';
import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { nextLink } from '../../crypto/hash-chain.js';
import type { AccessLogRepo, CheckpointRow, LogEntryInput, LogEntryRow } from '../contract.js';
import { fromStoredLog as fromDbLog } from '../rows.js';
import type { Db } from './open.js';
import { accessLog, logCheckpoints } from './schema.js';

type Statement = Database.Statement<unknown[]>;

/** Prepared once per connection: building drizzle queries per entry cost more than running them. */
const statements = new WeakMap<Database.Database, { last: Statement; insert: Statement }>();

function statementsFor(db: Db): { last: Statement; insert: Statement } {
  let s = statements.get(db.$client);
  if (!s) {
    s = {
      last: db.$client.prepare('SELECT seq, hash FROM access_log WHERE subject_id = ? ORDER BY seq DESC LIMIT 1'),
      insert: db.$client.prepare(
        `INSERT INTO access_log (id, subject_id, seq, at, actor_account_id, actor_organisation_id, actor_kind, on_behalf_of, action,
         grant_ids, record_ids, query, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
    statements.set(db.$client, s);
  }
  return s;
}

/**
 * Appends one entry to a person's chain. Call inside a write transaction, so reading the last
 * hash and inserting the next entry cannot interleave with another writer.
 */
export function appendLogEntry(db: Db, e: LogEntryInput): LogEntryRow {
  const s = statementsFor(db);
  const row = nextLink(e, s.last.get(e.subjectId) as { seq: number; hash: string } | undefined);
  s.insert.run(
    row.id,
    row.subjectId,
    row.seq,
    row.at,
    row.actor.accountId,
    row.actor.organisationId,
    row.actor.kind,
    row.onBehalfOf?.accountId ?? null,
    row.action,
    JSON.stringify(row.grantIds),
    JSON.stringify(row.recordIds),
    JSON.stringify(row.query),
    row.prevHash,
    row.hash,
  );
  return row;
}

/** Runs writes through one shared commit per turn of the event loop (see {@link groupCommit}). */
export interface GroupCommit {
  /**
   * Queues `work` (synchronous SQL) for the next group commit.
   * @param options.savepoint wrap work in a savepoint (default), so its failure rolls back
   *   only its own writes; work that is a single statement may skip it
   * @returns work's result once the transaction holding it has committed; work's own error if
   *   it threw (its savepoint rolled back alone); the commit's error if the commit failed
   */
  run<T>(work: () => T, options?: { savepoint?: boolean }): Promise<T>;
}

const committers = new WeakMap<Database.Database, GroupCommit>();

/**
 * Group commit for one connection. Writes queued while the event loop is busy (concurrent
 * requests) run together on its next turn in one IMMEDIATE transaction, so they share one
 * fsync under synchronous=FULL, each inside its own savepoint so one failing write rolls back
 * alone. No caller hears back before the commit: an answered write or a served read's log
 * entry is as durable as with a transaction of its own.
 */
export function groupCommit(db: Db): GroupCommit {
  let committer = committers.get(db.$client);
  if (committer) return committer;
  interface Job {
    work: () => unknown;
    savepoint: boolean;
    resolve: (value: unknown) => void;
    reject: (e: unknown) => void;
  }
  let queue: Job[] = [];
  // better-sqlite3's own transaction functions, made once: drizzle's wrapper built a transaction
  // object per commit, on every read's log entry.
  const client = db.$client;
  // Called inside the open transaction, a transaction function is a savepoint.
  const inSavepoint = client.transaction((work: () => unknown) => work());
  const runBatch = client.transaction((batch: Job[], outcomes: { ok: boolean; value: unknown }[]) => {
    for (const job of batch) {
      try {
        outcomes.push({ ok: true, value: job.savepoint ? inSavepoint(job.work) : job.work() });
      } catch (e) {
        outcomes.push({ ok: false, value: e });
      }
    }
  });
  const flush = () => {
    const batch = queue;
    queue = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      runBatch.immediate(batch, outcomes);
    } catch (e) {
      for (const job of batch) job.reject(e);
      return;
    }
    batch.forEach((job, i) => {
      const o = outcomes[i]!;
      if (o.ok) job.resolve(o.value);
      else job.reject(o.value);
    });
  };
  committer = {
    run<T>(work: () => T, options: { savepoint?: boolean } = {}): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ work, savepoint: options.savepoint ?? true, resolve: resolve as (value: unknown) => void, reject });
      });
    },
  };
  committers.set(db.$client, committer);
  return committer;
}

export function accessLogRepo(db: Db): AccessLogRepo {
  const commits = groupCommit(db);
  const headOf = db.$client.prepare('SELECT seq, hash FROM access_log WHERE subject_id = ? ORDER BY seq DESC LIMIT 1');
  const advanced = db.$client.prepare(
    `SELECT a.subject_id AS subjectId, a.seq AS seq, a.hash AS hash, r.top AS top
       FROM (SELECT subject_id, MAX(seq) AS seq FROM access_log WHERE rowid > ? AND rowid <= ? GROUP BY subject_id) h
       JOIN access_log a ON a.subject_id = h.subject_id AND a.seq = h.seq
       CROSS JOIN (SELECT ? AS top) r`,
  );
  const checkpointOf = (r: typeof logCheckpoints.$inferSelect): CheckpointRow => r;
  return {
    async head(subjectId) {
      const h = headOf.get(subjectId) as { seq: number; hash: string } | undefined;
      return h ? { subjectId, seq: h.seq, hash: h.hash } : undefined;
    },

    async addCheckpoint(row) {
      await commits.run(() => db.insert(logCheckpoints).values(row).run(), { savepoint: false });
    },

    async checkpoints(subjectId) {
      return db.select().from(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId)).orderBy(asc(logCheckpoints.seq), asc(logCheckpoints.at)).all().map(checkpointOf);
    },

    async latestCheckpoint(subjectId) {
      const r = db.select().from(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId)).orderBy(desc(logCheckpoints.seq)).limit(1).get();
      return r ? checkpointOf(r) : undefined;
    },

    async advancedSince(position, limit) {
      // rowid follows insertion order; entries committed later always get higher rowids.
      const max = (db.$client.prepare('SELECT MAX(rowid) AS m FROM access_log').get() as { m: number | null }).m ?? 0;
      const top = Math.min(max, position + limit);
      if (top <= position) return { heads: [], position };
      const rows = advanced.all(position, top, top) as { subjectId: string; seq: number; hash: string }[];
      return { heads: rows.map((r) => ({ subjectId: r.subjectId, seq: r.seq, hash: r.hash })), position: top };
    },

    async signedThrough() {
      const r = db.$client.prepare('SELECT MAX(through) AS t FROM log_checkpoints').get() as { t: number | null };
      return r.t ?? 0;
    },

    append(entry) {
      // Reads are logged through the group commit: concurrent reads share one fsync. An entry
      // is written by one INSERT, atomic on its own, so it needs no savepoint.
      return commits.run(() => appendLogEntry(db, entry), { savepoint: false });
    },

    async subjectIds() {
      return db
        .selectDistinct({ subjectId: accessLog.subjectId })
        .from(accessLog)
        .all()
        .map((r) => r.subjectId);
    },

    async recent(limit) {
      // rowid follows insertion order, so this is the tail of every chain written lately.
      return db.select().from(accessLog).orderBy(sql`rowid DESC`).limit(limit).all().map(fromDbLog);
    },

    async list(subjectId, f) {
      const where: SQL[] = [eq(accessLog.subjectId, subjectId)];
      if (f.actorAccountId) where.push(eq(accessLog.actorAccountId, f.actorAccountId));
      if (f.action) where.push(eq(accessLog.action, f.action));
      if (f.from !== undefined) where.push(gte(accessLog.at, f.from));
      if (f.to !== undefined) where.push(lte(accessLog.at, f.to));
      if (f.afterSeq !== undefined) where.push(f.order === 'asc' ? gt(accessLog.seq, f.afterSeq) : lt(accessLog.seq, f.afterSeq));
      return db
        .select()
        .from(accessLog)
        .where(and(...where))
        .orderBy(f.order === 'asc' ? asc(accessLog.seq) : desc(accessLog.seq))
        .limit(f.limit)
        .all()
        .map(fromDbLog);
    },
  };
}

