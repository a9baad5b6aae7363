import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { openRecord, sealField } from '../../crypto/envelope.js';
import type { AlertRow, DeliveryRow, LogEntryInput, RecordRow, WatchRow, WriteEffects } from '../../storage/contract.js';
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

async function previousContent(deps: Deps, dek: Uint8Array, w: Written, batch: Written[]): Promise<RecordContent | undefined> {
  // The previous record of the type may be stored already or come earlier in the same batch.
  const earlier = batch
    .filter((b) => b !== w && b.row.type === w.row.type && b.row.effectiveAt <= w.row.effectiveAt && batch.indexOf(b) < batch.indexOf(w))
    .sort((a, b) => b.row.effectiveAt - a.row.effectiveAt)[0];
  const stored = await deps.storage.records.latestBefore(w.row.subjectId, w.row.type, w.row.effectiveAt, batch.map((b) => b.row.id));
  if (earlier && (!stored || earlier.row.effectiveAt >= stored.effectiveAt)) return earlier.content;
  return stored ? openRecord<RecordContent>(dek, stored, stored.payload) : undefined;
}

/**
 * Checks new records against the watches on their person and builds the alerts, log entries and
 * webhook deliveries to commit with them. A watch only fires for a record its watcher could
 * read right now through an active read grant (category, type and window): a watch dies with
 * its grant.
 */
export async function watchEffects(deps: Deps, subjectId: string, dek: Uint8Array, written: Written[]): Promise<WriteEffects> {
  const effects: WriteEffects = { alerts: [], logs: [], deliveries: [] };
  const watches = await deps.storage.watches.listForSubject(subjectId);
  if (watches.length === 0) return effects;
  const now = deps.clock.now();
  const grantsOf = new Map<string, Awaited<ReturnType<Deps['storage']['grants']['activeFor']>>>();
  const accountKind = new Map<string, string>();
  for (const w of written) {
    for (const watch of watches.filter((x: WatchRow) => x.type === w.row.type)) {
      if (!grantsOf.has(watch.watcherAccountId)) {
        const held = await deps.storage.grants.activeFor(subjectId, watch.watcherAccountId, watch.watcherOrganisationId, now);
        grantsOf.set(watch.watcherAccountId, held.filter((g) => g.access === 'read'));
      }
      const covering = grantsCovering(grantsOf.get(watch.watcherAccountId)!, w.row);
      if (covering.length === 0) continue;
      const rule = JSON.parse(watch.rule) as Rule;
      const previous = rule.kind === 'change' ? await previousContent(deps, dek, w, written) : undefined;
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
      if (!accountKind.has(watch.watcherAccountId)) {
        accountKind.set(watch.watcherAccountId, (await deps.storage.accounts.findById(watch.watcherAccountId))?.kind ?? 'practitioner');
      }
      const log: LogEntryInput = {
        subjectId,
        at: now,
        actor: { accountId: watch.watcherAccountId, organisationId: watch.watcherOrganisationId, kind: accountKind.get(watch.watcherAccountId)! },
        action: 'alert.raise',
        grantIds: covering.map((g) => g.id),
        recordIds: [w.row.id],
        query: { watchId: watch.id },
      };
      effects.logs.push(log);
      if (watch.watcherOrganisationId && (await deps.storage.webhooks.get(watch.watcherOrganisationId))) {
        const delivery: DeliveryRow = {
          id: randomUUID(),
          organisationId: watch.watcherOrganisationId,
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
