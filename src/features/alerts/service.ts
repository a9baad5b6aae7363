import type { Actor } from '../../core/actor.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { openField } from '../../crypto/envelope.js';
import { NotFoundError } from '../../errors.js';
import type { AlertRow } from '../../storage/contract.js';
import { grantsCovering } from '../../core/slice.js';
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
  };
}

/**
 * Whether the caller may still see what an alert matched: an active read grant of theirs must
 * hold the alerted record itself (its category, type and date), as when the alert was raised.
 */
async function stillCovered(deps: Deps, actor: Actor, a: AlertRow, now: number): Promise<boolean> {
  if (a.kind !== 'match' || !a.recordId) return false;
  const grants = (await deps.storage.grants.activeFor(a.subjectId, actor.accountId, actor.organisationId, now)).filter((g) => g.access === 'read');
  if (grants.length === 0) return false;
  const [record] = await deps.storage.records.getMany(a.subjectId, [a.recordId]);
  return record !== undefined && grantsCovering(grants, record).length > 0;
}

/** Tells open streams, on every instance, about alerts just stored. */
export function publishAlerts(deps: Deps, alerts: AlertRow[]): void {
  for (const a of alerts) deps.alertBus.publish(a.watcherAccountId, a.id).catch(() => undefined);
}

/**
 * The stream form of a new alert, read back from the database by the instance holding the
 * stream (it was raised under an active grant moments ago).
 * @returns undefined when the alert is gone (its person erased meanwhile)
 */
export async function streamedAlert(deps: Deps, watcherAccountId: string, alertId: string): Promise<AlertView | undefined> {
  const a = await deps.storage.alerts.get(watcherAccountId, alertId);
  return a ? toAlertView(deps, a, true) : undefined;
}

export async function listAlerts(
  deps: Deps,
  actor: Actor,
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
  const items = await Promise.all(page.map(async (a) => toAlertView(deps, a, await stillCovered(deps, actor, a, now))));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ a: last.at, i: last.id }) : null };
}

export async function ackAlert(deps: Deps, actor: Actor, id: string): Promise<AlertView> {
  const a = await deps.storage.alerts.ack(actor.accountId, id, deps.clock.now());
  if (!a) throw new NotFoundError('No such alert');
  return toAlertView(deps, a, await stillCovered(deps, actor, a, deps.clock.now()));
}
