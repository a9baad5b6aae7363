import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, parseWindow } from '../../core/time.js';
import type { LogEntryRow, LogFilter } from '../../storage/contract.js';
import type { LogEntryView, LogQuery } from './schemas.js';

export function toLogView(e: LogEntryRow): LogEntryView {
  return {
    id: e.id,
    seq: e.seq,
    at: iso(e.at),
    actor: e.actor,
    ...(e.onBehalfOf ? { onBehalfOf: e.onBehalfOf } : {}),
    action: e.action,
    grantIds: e.grantIds,
    recordIds: e.recordIds,
    query: e.query,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

/** A person's own access log, oldest first unless asked otherwise. */
export async function listAccessLog(deps: Deps, subjectId: string, q: LogQuery): Promise<{ items: LogEntryView[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const filter: LogFilter = { order: q.order ?? 'asc', limit: limit + 1, ...parseWindow(q, 'query') };
  if (q.actor) filter.actorAccountId = q.actor;
  if (q.action) filter.action = q.action;
  if (q.cursor) filter.afterSeq = decodeCursor<{ s: number }>(q.cursor, { s: 'number' }).s;
  const rows = await deps.storage.accessLog.list(subjectId, filter);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toLogView), nextCursor: rows.length > limit && last ? encodeCursor({ s: last.seq }) : null };
}
