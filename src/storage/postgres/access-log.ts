import { and, asc, desc, eq, gt, gte, lt, lte, sql, type SQL } from 'drizzle-orm';
import { chainHash } from '../../crypto/hash-chain.js';
import { timeOrderedId } from '../../crypto/secrets.js';
import type { AccessLogRepo, LogEntryInput, LogEntryRow } from '../contract.js';
import { fromStoredLog, toStoredLog } from '../rows.js';
import { LOCK_CLASS, type Db, type Tx } from './open.js';
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

export function accessLogRepo(db: Db): AccessLogRepo {
  return {
    async append(entry) {
      return db.transaction((tx) => appendLogEntry(tx, entry));
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
