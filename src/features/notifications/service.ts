import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { NotFoundError } from '../../errors.js';
import type { NotificationRow } from '../../storage/contract.js';
import type { NotificationView } from './schemas.js';

/**
 * Notices for the person, and for supporters where they are named (docs/care-team.md,
 * "Notifications"). A notice holds ids and codes only; what it is about is read, with its own
 * authorization, from the resource it names.
 */

export type NoticeKind =
  | 'access-request'
  | 'referral'
  | 'referral-decided'
  | 'emergency-access'
  | 'grant-expiring'
  | 'dispute-opened'
  | 'dispute-resolved'
  | 'watch-created'
  | 'emergency-access-flagged';

/** A notice to store. */
export function notice(recipientAccountId: string, kind: NoticeKind, subjectId: string | null, at: number, data: Record<string, unknown>, dedupeKey: string | null = null): NotificationRow {
  return { id: randomUUID(), recipientAccountId, kind, subjectId, at, data, readAt: null, dedupeKey };
}

/** Tells the person whose store it is. */
export async function noticeToPerson(deps: Deps, subjectId: string, kind: NoticeKind, data: Record<string, unknown>, dedupeKey: string | null = null): Promise<NotificationRow[]> {
  const person = await deps.storage.accounts.findBySubject(subjectId);
  return person ? [notice(person.id, kind, subjectId, deps.clock.now(), data, dedupeKey)] : [];
}

function toView(n: NotificationRow): NotificationView {
  return { id: n.id, kind: n.kind, at: iso(n.at), subjectId: n.subjectId, readAt: isoOrNull(n.readAt), ...n.data };
}

/** Whose notices a caller reads: a delegate reads the person's. */
function recipientOf(actor: Actor): string {
  return actor.onBehalfOf?.accountId ?? actor.accountId;
}

export async function listNotifications(deps: Deps, actor: Actor, q: { unread?: boolean; cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  const before = q.cursor ? decodeCursor<{ a: number; i: string }>(q.cursor, { a: 'number', i: 'string' }) : undefined;
  const rows = await deps.storage.notifications.list(recipientOf(actor), {
    limit: limit + 1,
    ...(q.unread ? { unread: true } : {}),
    ...(before ? { before: { at: before.a, id: before.i } } : {}),
  });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor({ a: last.at, i: last.id }) : null };
}

export async function markNotificationRead(deps: Deps, actor: Actor, id: string): Promise<NotificationView> {
  const n = await deps.storage.notifications.markRead(recipientOf(actor), id, deps.clock.now());
  if (!n) throw new NotFoundError('No such notification');
  return toView(n);
}

const DAY = 24 * 3600 * 1000;
/** Expiry notices go out 14 days and 1 day before a grant ends. */
const EXPIRY_NOTICES = [
  { before: 14 * DAY, key: '14d' },
  { before: DAY, key: '1d' },
] as const;
const PAGE = 500;

/**
 * Tells the person, and the grantee when the grant names one account, that a grant ends soon.
 * Each notice is made once (its dedupe key), however often this runs.
 * @returns how many notices were new
 */
export async function notifyExpiringGrants(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  let added = 0;
  for (const { before, key } of EXPIRY_NOTICES) {
    let after: { expiresAt: number; id: string } | undefined;
    for (;;) {
      const grants = await deps.storage.grants.expiringBetween(now, now + before, PAGE, after);
      const rows: NotificationRow[] = [];
      for (const g of grants) {
        const data = { grantId: g.id, expiresAt: iso(g.expiresAt), within: key };
        rows.push(...(await noticeToPerson(deps, g.subjectId, 'grant-expiring', data, `grant-expiring:${g.id}:${key}:person`)));
        if (g.granteeAccountId) rows.push(notice(g.granteeAccountId, 'grant-expiring', g.subjectId, now, data, `grant-expiring:${g.id}:${key}:grantee`));
      }
      added += await deps.storage.notifications.add(rows);
      const last = grants[grants.length - 1];
      if (grants.length < PAGE || !last) break;
      after = { expiresAt: last.expiresAt, id: last.id };
    }
  }
  return added;
}

/** Runs {@link notifyExpiringGrants} every `intervalMs`. @returns a function that stops it */
export function startExpiryNotifier(deps: Deps, log: FastifyBaseLogger, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= notifyExpiringGrants(deps)
      .catch((e: unknown) => log.error({ err: e }, 'grant expiry notices failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
