import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { nextLink } from '../../crypto/hash-chain.js';
import type { AccessLogRepo, CheckpointRow, LogEntryInput, LogEntryRow } from '../contract.js';
import { fromStoredLog, toStoredLog } from '../rows.js';
import { LOCK_CLASS, prepared, type Db, type Tx } from './open.js';
import { accessLog, logCheckpoints } from './schema.js';

/**
 * Appends one entry to a person's chain; call inside a transaction. A transaction-scoped
 * advisory lock on the person serialises appends to one chain across every connection and
 * instance (other people's chains go on in parallel), and is held until the entry commits, so
 * the next writer reads this entry as the head.
 */
export async function appendLogEntry(tx: Tx, e: LogEntryInput): Promise<LogEntryRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS}::int, hashtext(${e.subjectId}))`);
  const [last] = await tx
    .select({ seq: accessLog.seq, hash: accessLog.hash })
    .from(accessLog)
    .where(eq(accessLog.subjectId, e.subjectId))
    .orderBy(desc(accessLog.seq))
    .limit(1);
  const row = nextLink(e, last);
  await tx.insert(accessLog).values(toStoredLog(row));
  return row;
}

/**
 * Appends several entries in one transaction, people in a fixed order, so two transactions
 * logging for the same people cannot wait on each other's locks (no deadlock).
 */
export async function appendLogEntries(tx: Tx, entries: LogEntryInput[]): Promise<void> {
  const ordered = [...entries].sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  for (const e of ordered) await appendLogEntry(tx, e);
}

const LOG_COLUMNS = 'id, subject_id, seq, at, actor_account_id, actor_organisation_id, actor_kind, on_behalf_of, action, grant_ids, record_ids, query, prev_hash, hash';

/**
 * {@link appendLogEntry} as its own transaction, on prepared statements: every read through a
 * grant writes one, so it skips the query builder.
 */
async function appendAlone(db: Db, e: LogEntryInput): Promise<LogEntryRow> {
  const client = await db.$client.connect();
  try {
    await client.query('BEGIN');
    await prepared(client, 'log_lock', 'SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [LOCK_CLASS, e.subjectId]);
    const [last] = await prepared<[number, string]>(client, 'log_head', 'SELECT seq, hash FROM access_log WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1', [e.subjectId]);
    const row = nextLink(e, last ? { seq: last[0], hash: last[1] } : undefined);
    const s = toStoredLog(row);
    await prepared(client, 'log_insert', `INSERT INTO access_log (${LOG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`, [
      s.id,
      s.subjectId,
      s.seq,
      s.at,
      s.actorAccountId,
      s.actorOrganisationId,
      s.actorKind,
      s.onBehalfOf,
      s.action,
      s.grantIds,
      s.recordIds,
      s.query,
      s.prevHash,
      s.hash,
    ]);
    await client.query('COMMIT');
    return row;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
}

const checkpointOf = (r: typeof logCheckpoints.$inferSelect): CheckpointRow => r;

export function accessLogRepo(db: Db): AccessLogRepo {
  return {
    append: (entry) => appendAlone(db, entry),

    async head(subjectId) {
      const [h] = await prepared<[number, string]>(db.$client, 'log_head', 'SELECT seq, hash FROM access_log WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1', [subjectId]);
      return h ? { subjectId, seq: h[0], hash: h[1] } : undefined;
    },

    async addCheckpoint(row) {
      await db.insert(logCheckpoints).values(row);
    },

    async checkpoints(subjectId) {
      const rows = await db.select().from(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId)).orderBy(asc(logCheckpoints.seq), asc(logCheckpoints.at));
      return rows.map(checkpointOf);
    },

    async latestCheckpoint(subjectId) {
      const [r] = await db.select().from(logCheckpoints).where(eq(logCheckpoints.subjectId, subjectId)).orderBy(desc(logCheckpoints.seq)).limit(1);
      return r ? checkpointOf(r) : undefined;
    },

    async advancedSince(position, limit) {
      // Positions are the `written` identity, assigned at insert: a transaction that inserted
      // earlier but commits later than a read of this may be passed over by one signing round;
      // its chain is signed again at its next entry, and on demand (docs/architecture.md).
      const [m] = await prepared<[number | null]>(db.$client, 'log_max_written', 'SELECT max(written) FROM access_log', []);
      const top = Math.min(m?.[0] ?? 0, position + limit);
      if (top <= position) return { heads: [], position };
      const rows = await prepared<[string, number, string]>(
        db.$client,
        'log_advanced',
        `SELECT a.subject_id, a.seq, a.hash FROM (SELECT subject_id, max(seq) AS seq FROM access_log WHERE written > $1 AND written <= $2 GROUP BY subject_id) h
         JOIN access_log a ON a.subject_id = h.subject_id AND a.seq = h.seq`,
        [position, top],
      );
      return { heads: rows.map(([subjectId, seq, hash]) => ({ subjectId, seq, hash })), position: top };
    },

    async signedThrough() {
      const [r] = await prepared<[number | null]>(db.$client, 'log_signed_through', 'SELECT max(through) FROM log_checkpoints', []);
      return r?.[0] ?? 0;
    },

    async subjectIds() {
      const rows = await db.selectDistinct({ subjectId: accessLog.subjectId }).from(accessLog);
      return rows.map((r) => r.subjectId);
    },

    async recent(limit) {
      const rows = await db.select().from(accessLog).orderBy(desc(accessLog.written)).limit(limit);
      return rows.map(fromStoredLog);
    },

    async list(subjectId, f) {
      const where: SQL[] = [eq(accessLog.subjectId, subjectId)];
      if (f.actorAccountId) where.push(eq(accessLog.actorAccountId, f.actorAccountId));
      if (f.action) where.push(eq(accessLog.action, f.action));
      if (f.from !== undefined) where.push(gte(accessLog.at, f.from));
      if (f.to !== undefined) where.push(lte(accessLog.at, f.to));
      if (f.afterSeq !== undefined) where.push(f.order === 'asc' ? gt(accessLog.seq, f.afterSeq) : lt(accessLog.seq, f.afterSeq));
      const rows = await db
        .select()
        .from(accessLog)
        .where(and(...where))
        .orderBy(f.order === 'asc' ? asc(accessLog.seq) : desc(accessLog.seq))
        .limit(f.limit);
      return rows.map(fromStoredLog);
    },
  };
}
