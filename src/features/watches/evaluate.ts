import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { openRecord, sealField } from '../../crypto/envelope.js';
import type { AlertRow, DeliveryRow, GrantRow, Holder, RecordRow, WatchRow, WriteEffects } from '../../storage/contract.js';
import { activeHoldings, holderOf } from '../../core/holdings.js';
import { sliceOf } from '../../core/slice.js';
import type { RecordContent } from '../records/compose.js';
import { grantsCovering } from '../../core/slice.js';
import { evaluateRule, type Rule } from './rules.js';

export function matchedField(alertId: string): string {
  return `alert:${alertId}:matched`;
}

/** A new record with its opened content, as the write path holds it. */
export interface Written {
  row: RecordRow;
  content: RecordContent;
}

/**
 * The record a change rule compares with: the latest earlier record of the type that the
 * watcher's read grants cover (category, type and window), never one outside them, whether it
 * is stored already or comes earlier in the same batch.
 */
async function previousContent(deps: Deps, dek: Uint8Array, w: Written, batch: Written[], grants: GrantRow[]): Promise<RecordContent | undefined> {
  const earlier = batch
    .filter(
      (b) =>
        b !== w &&
        b.row.type === w.row.type &&
        b.row.effectiveAt <= w.row.effectiveAt &&
        batch.indexOf(b) < batch.indexOf(w) &&
        grantsCovering(grants, b.row).length > 0,
    )
    .sort((a, b) => b.row.effectiveAt - a.row.effectiveAt)[0];
  const scope = { subjectId: w.row.subjectId, slices: grants.map(sliceOf) };
  const stored = await deps.storage.records.latestBefore(scope, w.row.type, w.row.effectiveAt, batch.map((b) => b.row.id));
  if (earlier && (!stored || earlier.row.effectiveAt >= stored.effectiveAt)) return earlier.content;
  return stored ? openRecord<RecordContent>(dek, stored, stored.payload) : undefined;
}

/** A watcher as the write path needs it: who it is now, and its read grants on the person. */
interface Watcher {
  holder: Holder;
  grants: GrantRow[];
}

/**
 * Checks new records against the watches on their person and builds the alerts, log entries and
 * webhook deliveries to commit with them. A watch only fires for a record its watcher could
 * read right now: the watcher's account must be active, and one of its active read grants
 * (its own, or its organisation's reaching its kind) must cover the record (category, type and
 * window). A watch dies with its grant. A webhook delivery is queued only when an organisation
 * grant covers the record: consent to one practitioner never travels to the organisation's
 * systems.
 */
export async function watchEffects(deps: Deps, subjectId: string, dek: Uint8Array, written: Written[]): Promise<WriteEffects> {
  const effects: WriteEffects = { alerts: [], logs: [], deliveries: [] };
  const types = new Set(written.map((w) => w.row.type));
  const watches = (await deps.storage.watches.listForSubject(subjectId)).filter((x) => types.has(x.type));
  if (watches.length === 0) return effects;
  const now = deps.clock.now();
  const watchers = new Map<string, Watcher | null>();
  const watcherOf = async (accountId: string): Promise<Watcher | null> => {
    if (!watchers.has(accountId)) {
      const holder = await holderOf(deps, accountId);
      watchers.set(accountId, holder ? { holder, grants: await activeHoldings(deps, holder, subjectId, 'read', now) } : null);
    }
    return watchers.get(accountId)!;
  };
  for (const w of written) {
    for (const watch of watches.filter((x: WatchRow) => x.type === w.row.type)) {
      const watcher = await watcherOf(watch.watcherAccountId);
      if (!watcher) continue;
      const covering = grantsCovering(watcher.grants, w.row);
      if (covering.length === 0) continue;
      const rule = JSON.parse(watch.rule) as Rule;
      const previous = rule.kind === 'change' ? await previousContent(deps, dek, w, written, watcher.grants) : undefined;
      const matched = evaluateRule(rule, w.content, previous);
      if (!matched) continue;
      const alert: AlertRow = {
        id: randomUUID(),
        kind: 'match',
        watchId: watch.id,
        subjectId,
        watcherAccountId: watch.watcherAccountId,
        recordId: w.row.id,
        type: w.row.type,
        at: now,
        sealedMatched: null,
        ackedAt: null,
      };
      alert.sealedMatched = sealField(dek, subjectId, matchedField(alert.id), JSON.stringify(matched));
      effects.alerts.push(alert);
      const { holder } = watcher;
      effects.logs.push({
        subjectId,
        at: now,
        actor: { accountId: holder.accountId, organisationId: holder.organisationId, kind: holder.kind },
        action: 'alert.raise',
        grantIds: covering.map((g) => g.id),
        recordIds: [w.row.id],
        query: { watchId: watch.id },
      });
      const orgId = holder.organisationId;
      if (orgId && covering.some((g) => g.granteeOrganisationId === orgId) && (await deps.storage.webhooks.get(orgId))) {
        const delivery: DeliveryRow = {
          id: randomUUID(),
          organisationId: orgId,
          alertId: alert.id,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          lastError: null,
          createdAt: now,
          deliveredAt: null,
        };
        effects.deliveries.push(delivery);
      }
    }
  }
  return effects;
}
