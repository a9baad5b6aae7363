import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { decodeCursor, encodeCursor } from '../../core/cursor.js';
import { iso } from '../../core/time.js';
import { activeHoldings, holderOf } from '../../core/holdings.js';
import { noticeToPerson } from '../notifications/service.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../errors.js';
import type { GrantRow, WatchRow } from '../../storage/contract.js';
import { logEntry } from '../access-log/entry.js';
import { describeSupporter } from '../accounts/service.js';
import { parseRule, type Rule } from './rules.js';
import type { WatchInput, WatchView } from './schemas.js';

/** Live watches one supporter may hold on one person, and a person may carry in all. */
export const MAX_WATCHES_PER_WATCHER = 20;
export const MAX_WATCHES_PER_PERSON = 200;

/** Whether a read grant reaches records of a type filed under its usual category. */
function grantCoversType(deps: Deps, g: GrantRow, type: string): boolean {
  const home = deps.catalogue.type(type)?.category;
  return g.access === 'read' && (g.types ? g.types.includes(type) : home !== undefined && g.categories.includes(home));
}

async function toView(deps: Deps, w: WatchRow, active: boolean): Promise<WatchView> {
  const rule = JSON.parse(w.rule) as Rule;
  const view: WatchView = {
    id: w.id,
    subjectId: w.subjectId,
    watcher: {
      accountId: w.watcherAccountId,
      organisationId: w.watcherOrganisationId,
      name: await describeSupporter(deps, w.watcherAccountId, w.watcherOrganisationId),
    },
    type: w.type,
    createdAt: iso(w.createdAt),
    active,
  };
  if (rule.kind === 'flag') view.flag = rule.flag;
  else Object.assign(view, { field: rule.field, op: rule.op, threshold: rule.threshold });
  return view;
}

/**
 * A supporter sets a watch on a type one of its read grants covers.
 * @throws ValidationError for an unknown type or a rule the type cannot carry; ForbiddenError
 * when no read grant covers the type
 */
export async function createWatch(deps: Deps, actor: Actor, subjectId: string, grants: GrantRow[], input: WatchInput): Promise<WatchView> {
  const def = deps.catalogue.type(input.type);
  if (!def) throw ValidationError.body('type', `unknown type "${input.type}"`);
  const rule = parseRule(def, input);
  if (Array.isArray(rule)) throw new ValidationError(rule);
  // Emergency access is read-only: it never sets up watches.
  if (!grants.some((g) => g.purpose !== 'emergency' && grantCoversType(deps, g, def.code))) {
    throw new ForbiddenError(`Type "${def.code}" is outside every read grant you hold for this person (emergency access is read-only)`);
  }
  // Bounded, so that evaluating watches on every write of this person stays bounded too.
  const live = await deps.storage.watches.countLive(subjectId, actor.accountId);
  if (live.byWatcher >= MAX_WATCHES_PER_WATCHER) {
    throw new ConflictError(`You already hold ${MAX_WATCHES_PER_WATCHER} watches on this person, the most allowed; delete one first`);
  }
  if (live.total >= MAX_WATCHES_PER_PERSON) throw new ConflictError('This person already carries the most watches allowed');
  const row: WatchRow = {
    id: randomUUID(),
    subjectId,
    watcherAccountId: actor.accountId,
    watcherOrganisationId: actor.organisationId,
    type: def.code,
    rule: JSON.stringify(rule),
    createdAt: deps.clock.now(),
    deletedAt: null,
    deletedBy: null,
  };
  await deps.storage.watches.create(row);
  await deps.storage.notifications.add(await noticeToPerson(deps, subjectId, 'watch-created', { watchId: row.id, watcherAccountId: actor.accountId, type: row.type }));
  return toView(deps, row, true);
}

/** The caller's own watches on one person. */
export async function listOwnWatches(deps: Deps, actor: Actor, subjectId: string, grants: GrantRow[]) {
  const rows = await deps.storage.watches.listForWatcher(actor.accountId, subjectId);
  return { items: await Promise.all(rows.map((w) => toView(deps, w, grants.some((g) => grantCoversType(deps, g, w.type))))), nextCursor: null };
}

export async function deleteOwnWatch(deps: Deps, actor: Actor, subjectId: string, id: string): Promise<void> {
  const w = await deps.storage.watches.get(subjectId, id);
  if (!w || w.watcherAccountId !== actor.accountId) throw new NotFoundError('No such watch');
  await deps.storage.watches.remove(w, 'watcher', deps.clock.now(), null, null);
}

/**
 * Everyone watching the person's store, and on what, oldest first, a page at a time. A watch is
 * shown active only while its watcher's account is active and one of its read grants (its own
 * or its organisation's, reaching its kind) still covers the type: exactly when it could fire.
 */
export async function listWatchesOnMe(deps: Deps, subjectId: string, q: { cursor?: string; limit?: number }) {
  const limit = q.limit ?? 50;
  const after = q.cursor ? decodeCursor<{ c: number; i: string }>(q.cursor, { c: 'number', i: 'string' }) : undefined;
  const rows = await deps.storage.watches.pageForSubject(subjectId, { limit: limit + 1, ...(after ? { after: { createdAt: after.c, id: after.i } } : {}) });
  const page = rows.slice(0, limit);
  const now = deps.clock.now();
  const items = await Promise.all(
    page.map(async (w) => {
      const holder = await holderOf(deps, w.watcherAccountId);
      const grants = holder ? await activeHoldings(deps, holder, subjectId, 'read', now) : [];
      return toView(deps, w, grants.some((g) => grantCoversType(deps, g, w.type)));
    }),
  );
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ c: last.createdAt, i: last.id }) : null };
}

/** The person removes a watch on their store; the watcher finds a notice in their feed. */
export async function deleteWatchOnMe(deps: Deps, actor: Actor, subjectId: string, id: string): Promise<void> {
  const w = await deps.storage.watches.get(subjectId, id);
  if (!w) throw new NotFoundError('No such watch');
  const now = deps.clock.now();
  const notice = {
    id: randomUUID(),
    kind: 'watch-removed' as const,
    watchId: w.id,
    subjectId,
    watcherAccountId: w.watcherAccountId,
    recordId: null,
    type: w.type,
    at: now,
    sealedMatched: null,
    ackedAt: null,
  };
  await deps.storage.watches.remove(w, 'subject', now, notice, logEntry(actor, subjectId, 'watch.delete', now, { query: { watchId: w.id } }));
}
