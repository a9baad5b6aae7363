import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { chainHash } from '../../crypto/hash-chain.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import type { AccessLogRepo, LogEntryInput, LogEntryRow } from '../contract.js';
import { fromStoredLog, toStoredLog } from '../rows.js';
import { LOCK_CLASS, prepared, type Db, type Tx } from './open.js';
import { accessLog } from './schema.js';

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
  const content = { ...e, id: timeOrderedId(e.at), seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? null };
  const row: LogEntryRow = { ...content, hash: chainHash(content) };
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

const LOG_COLUMNS = 'id, subject_id, seq, at, actor_account_id, actor_organisation_id, actor_kind, action, grant_ids, record_ids, query, prev_hash, hash';

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
    const content = { ...e, id: timeOrderedId(e.at), seq: (last?.[0] ?? 0) + 1, prevHash: last?.[1] ?? null };
    const row: LogEntryRow = { ...content, hash: chainHash(content) };
    const s = toStoredLog(row);
    await prepared(client, 'log_insert', `INSERT INTO access_log (${LOG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
      s.id,
      s.subjectId,
      s.seq,
      s.at,
      s.actorAccountId,
      s.actorOrganisationId,
      s.actorKind,
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

export function accessLogRepo(db: Db): AccessLogRepo {
  return {
    append: (entry) => appendAlone(db, entry),

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
