import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { openField } from '../../crypto/envelope.js';
import { NotFoundError } from '../../errors.js';
import type { AlertRow, Holder } from '../../storage/contract.js';
import { activeHoldings } from '../../core/holdings.js';
import { grantsCovering, ownScope } from '../../core/slice.js';
import { sharedName } from '../grants/names.js';
import { matchedField } from '../watches/evaluate.js';
import type { AlertView } from './schemas.js';

/**
 * The feed form of an alert. What matched is opened only while the watcher still holds an
 * active read grant on that person covering the type; after revocation or expiry it is empty,
 * so an alert never shows more than the grant allows now.
 */
export async function toAlertView(deps: Deps, a: AlertRow, covered: boolean): Promise<AlertView> {
  let matched: Record<string, unknown> = {};
  if (covered && a.sealedMatched) {
    const dek = await deps.dataKeys.forSubject(a.subjectId);
    matched = JSON.parse(openField(dek, a.subjectId, matchedField(a.id), a.sealedMatched)) as Record<string, unknown>;
  }
  return {
    id: a.id,
    kind: a.kind,
    watchId: a.watchId,
    subjectId: a.subjectId,
    recordId: a.recordId,
    type: a.type,
    at: iso(a.at),
    matched,
    ackedAt: isoOrNull(a.ackedAt),
    escalatedAt: isoOrNull(a.escalatedAt),
    escalatedFrom: a.escalatedFrom,
  };
}

/**
 * The holder's active read grants that hold the alerted record itself (its category, type and
 * date), as when the alert was raised; none once the record is gone or the grants ended. Every
 * channel that shows what an alert matched (feed, stream, webhook) asks this first.
 */
export async function grantsCoveringAlert(deps: Deps, holder: Holder, a: AlertRow, now: number) {
  if (a.kind === 'watch-removed' || !a.recordId) return [];
  const grants = await activeHoldings(deps, holder, a.subjectId, 'read', now);
  if (grants.length === 0) return [];
  const [record] = await deps.storage.records.getMany(a.subjectId, [a.recordId]);
  if (record) return grantsCovering(grants, record);
  // A series reading's alert names its chunk; the reading's moment is in what matched.
  const chunk = await deps.storage.series.get(ownScope(a.subjectId), a.recordId);
  if (!chunk || !a.sealedMatched) return [];
  const dek = await deps.dataKeys.forSubject(a.subjectId);
  const at = Date.parse(String((JSON.parse(openField(dek, a.subjectId, matchedField(a.id), a.sealedMatched)) as { effectiveAt?: unknown }).effectiveAt));
  return Number.isNaN(at) ? [] : grantsCovering(grants, { category: chunk.category, type: chunk.type, effectiveAt: at });
}

async function stillCovered(deps: Deps, holder: Holder, a: AlertRow, now: number): Promise<boolean> {
  return (await grantsCoveringAlert(deps, holder, a, now)).length > 0;
}

/**
 * Tells open streams about alerts just stored. Only the alert row travels: each stream re-checks
 * its own session and grants before it opens and sends what matched.
 */
export function publishAlerts(deps: Deps, alerts: AlertRow[]): void {
  for (const a of alerts) deps.alertBus.publish(a.watcherAccountId, a);
}

/**
 * What a live channel may send for an alert now: the alert with what matched while a grant of
 * the holder still covers the record, a watch-removed notice as it is, or nothing.
 */
export async function alertForDelivery(deps: Deps, holder: Holder, a: AlertRow): Promise<AlertView | null> {
  if (a.kind === 'watch-removed') return toAlertView(deps, a, false);
  if (!(await stillCovered(deps, holder, a, deps.clock.now()))) return null;
  return toAlertView(deps, a, true);
}

export async function listAlerts(
  deps: Deps,
  actor: Holder,
  q: { unacked?: boolean; cursor?: string; limit?: number },
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  const limit = q.limit ?? 50;
  const before = q.cursor ? decodeCursor<{ a: number; i: string }>(q.cursor, { a: 'number', i: 'string' }) : undefined;
  const rows = await deps.storage.alerts.listForWatcher(actor.accountId, {
    limit: limit + 1,
    ...(q.unacked ? { unacked: true } : {}),
    ...(before ? { before: { at: before.a, id: before.i } } : {}),
  });
  const page = rows.slice(0, limit);
  const now = deps.clock.now();
  // One name lookup per person on the page, from the grants held now (grants/names.ts).
  const names = new Map<string, Promise<string | null>>();
  const nameOf = (subjectId: string) => {
    if (!names.has(subjectId)) names.set(subjectId, deps.storage.grants.activeFor(subjectId, actor, now).then((held) => sharedName(deps, subjectId, held, now)));
    return names.get(subjectId)!;
  };
  const items = await Promise.all(
    page.map(async (a) => ({ ...(await toAlertView(deps, a, await stillCovered(deps, actor, a, now))), subjectName: await nameOf(a.subjectId) })),
  );
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ a: last.at, i: last.id }) : null };
}

export async function ackAlert(deps: Deps, actor: Holder, id: string): Promise<AlertView> {
  const a = await deps.storage.alerts.ack(actor.accountId, id, deps.clock.now());
  if (!a) throw new NotFoundError('No such alert');
  return toAlertView(deps, a, await stillCovered(deps, actor, a, deps.clock.now()));
}
