import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, lt, lte, type SQL } from 'drizzle-orm';
import { chainHash } from '../../crypto/hash-chain.js';
import type { AccessLogRepo, LogEntryInput, LogEntryRow } from '../contract.js';
import type { Db } from './open.js';
import { accessLog } from './schema.js';

type DbLog = typeof accessLog.$inferSelect;

export function fromDbLog(r: DbLog): LogEntryRow {
  return {
    id: r.id,
    subjectId: r.subjectId,
    seq: r.seq,
    at: r.at,
    actor: { accountId: r.actorAccountId, organisationId: r.actorOrganisationId, kind: r.actorKind },
    action: r.action,
    grantIds: JSON.parse(r.grantIds) as string[],
    recordIds: JSON.parse(r.recordIds) as string[],
    query: JSON.parse(r.query) as Record<string, unknown>,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

/**
 * Appends one entry to a person's chain. Call inside a write transaction, so reading the last
 * hash and inserting the next entry cannot interleave with another writer.
 */
export function appendLogEntry(db: Db, e: LogEntryInput): LogEntryRow {
  const last = db
    .select({ seq: accessLog.seq, hash: accessLog.hash })
    .from(accessLog)
    .where(eq(accessLog.subjectId, e.subjectId))
    .orderBy(desc(accessLog.seq))
    .limit(1)
    .get();
  const content = { ...e, id: randomUUID(), seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? null };
  const row: LogEntryRow = { ...content, hash: chainHash(content) };
  db.insert(accessLog)
    .values({
      id: row.id,
      subjectId: row.subjectId,
      seq: row.seq,
      at: row.at,
      actorAccountId: row.actor.accountId,
      actorOrganisationId: row.actor.organisationId,
      actorKind: row.actor.kind,
      action: row.action,
      grantIds: JSON.stringify(row.grantIds),
      recordIds: JSON.stringify(row.recordIds),
      query: JSON.stringify(row.query),
      prevHash: row.prevHash,
      hash: row.hash,
    })
    .run();
  return row;
}

export function accessLogRepo(db: Db): AccessLogRepo {
  return {
    async append(entry) {
      return db.transaction(() => appendLogEntry(db, entry), { behavior: 'immediate' });
    },

    async subjectIds() {
      return db
        .selectDistinct({ subjectId: accessLog.subjectId })
        .from(accessLog)
        .all()
        .map((r) => r.subjectId);
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

