import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, parseWindow } from '../../core/time.js';
import type { LogEntryRow, LogFilter } from '../../storage/contract.js';
import { describeAccount, describeSupporter } from '../../core/supporters.js';
import type { LogEntryView, LogQuery } from './schemas.js';

function toLogView(e: LogEntryRow, actorName: string | null): LogEntryView {
  return {
    id: e.id,
    seq: e.seq,
    at: iso(e.at),
    actor: e.actor,
    actorName,
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
  // Names come from the directory at read time (practitioners' and clients' names are not
  // personal data of the person); the chain hashes only ids, so it is unaffected.
  const names = new Map<string, Promise<string | null>>();
  const nameOf = (e: LogEntryRow) => {
    const { accountId, organisationId, kind } = e.actor;
    // The person's own actions carry no name; a delegate acting for them is named (their own name).
    if ((kind === 'citizen' && !e.onBehalfOf) || (!accountId && !organisationId)) return Promise.resolve(null);
    const key = `${accountId ?? ''}/${organisationId ?? ''}`;
    if (!names.has(key)) {
      names.set(key, kind === 'citizen' ? deps.storage.accounts.findById(accountId!).then((a) => describeAccount(deps, a)) : describeSupporter(deps, accountId, organisationId));
    }
    return names.get(key)!;
  };
  const items = await Promise.all(page.map(async (e) => toLogView(e, await nameOf(e))));
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ s: last.seq }) : null };
}
