import { randomUUID } from 'node:crypto';
import type { Deps } from '../../core/deps.js';
import { openRecord, sealField } from '../../crypto/envelope.js';
import type { AlertRow, DeliveryRow, GrantRow, Holder, RecordRow, Scope, WatchRow, WriteEffects } from '../../storage/contract.js';
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
  /** A series reading: `row` names its chunk, and the alert says which moment matched. */
  reading?: true;
}

/**
 * The records of one type in one batch that one watcher's read grants cover, in time order
 * (effectiveAt, then their order in the batch): a record's previous one in the batch is the one
 * before it in that order, whatever the order of the body. Sorted once, so a 20,000-entry
 * import costs a sort, not a scan of the batch per record.
 */
class EarlierInBatch {
  private readonly previous = new Map<Written, Written | undefined>();

  constructor(ofType: Written[], grants: GrantRow[]) {
    const covered = ofType.map((w, i) => ({ w, i })).filter(({ w }) => grantsCovering(grants, w.row).length > 0);
    covered.sort((a, b) => a.w.row.effectiveAt - b.w.row.effectiveAt || a.i - b.i);
    covered.forEach(({ w }, k) => this.previous.set(w, covered[k - 1]?.w));
  }

  /** @returns the record before `w` (one the grants cover) in the batch's time order */
  before(w: Written): Written | undefined {
    return this.previous.get(w);
  }
}

/**
 * The latest stored record of one type at or before a moment, inside one watcher's grants. The
 * new records are not stored yet, so the answer for the batch's latest moment is the answer for
 * every moment after that record's own: one query for a batch that follows the stored records,
 * as imports and device uploads do, and one per record only for records dated earlier.
 */
class StoredBefore {
  private latest: { row: RecordRow | undefined } | undefined;

  constructor(
    private readonly deps: Deps,
    private readonly scope: Scope,
    private readonly type: string,
    private readonly batchLatest: number,
  ) {}

  async at(effectiveAt: number): Promise<RecordRow | undefined> {
    this.latest ??= { row: await this.deps.storage.records.latestBefore(this.scope, this.type, this.batchLatest, []) };
    const { row } = this.latest;
    if (row === undefined || row.effectiveAt <= effectiveAt) return row;
    return this.deps.storage.records.latestBefore(this.scope, this.type, effectiveAt, []);
  }
}

/**
 * The record a change rule compares with: the latest earlier record of the type that the
 * watcher's read grants cover (category, type and window), never one outside them, whether it
 * is stored already or earlier in time in the same batch (a stored one dated the same as one in
 * the batch counts as the earlier).
 */
async function previousContent(dek: Uint8Array, w: Written, earlier: EarlierInBatch, stored: StoredBefore): Promise<RecordContent | undefined> {
  const inBatch = earlier.before(w);
  const before = await stored.at(w.row.effectiveAt);
  if (inBatch && (!before || inBatch.row.effectiveAt >= before.effectiveAt)) return inBatch.content;
  return before ? openRecord<RecordContent>(dek, before, before.payload) : undefined;
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
  const byType = new Map<string, Written[]>();
  for (const w of written) {
    const list = byType.get(w.row.type);
    if (list) list.push(w);
    else byType.set(w.row.type, [w]);
  }
  // One walk of the batch per watcher and type, for change rules (see EarlierInBatch).
  const walks = new Map<string, { earlier: EarlierInBatch; stored: StoredBefore }>();
  const walkOf = (accountId: string, watcher: Watcher, type: string) => {
    const key = `${accountId} ${type}`;
    let walk = walks.get(key);
    if (!walk) {
      const ofType = byType.get(type)!;
      const scope = { subjectId, slices: watcher.grants.map(sliceOf) };
      const batchLatest = ofType.reduce((m, b) => Math.max(m, b.row.effectiveAt), -Infinity);
      walk = { earlier: new EarlierInBatch(ofType, watcher.grants), stored: new StoredBefore(deps, scope, type, batchLatest) };
      walks.set(key, walk);
    }
    return walk;
  };
  const rules = new Map(watches.map((x) => [x.id, JSON.parse(x.rule) as Rule]));
  for (const w of written) {
    for (const watch of watches.filter((x: WatchRow) => x.type === w.row.type)) {
      const watcher = await watcherOf(watch.watcherAccountId);
      if (!watcher) continue;
      const covering = grantsCovering(watcher.grants, w.row);
      if (covering.length === 0) continue;
      const rule = rules.get(watch.id)!;
      let previous: RecordContent | undefined;
      if (rule.kind === 'change') {
        const walk = walkOf(watch.watcherAccountId, watcher, w.row.type);
        previous = await previousContent(dek, w, walk.earlier, walk.stored);
      }
      const matched: Record<string, unknown> | null = evaluateRule(rule, w.content, previous);
      if (!matched) continue;
      // A chunk holds a day of readings: the alert names the chunk and the reading's moment.
      if (w.reading) matched.effectiveAt = new Date(w.row.effectiveAt).toISOString();
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
        // Left unacknowledged, a match goes to the watcher's organisation (alerts/escalation.ts).
        escalateAt: watcher.holder.organisationId ? now + deps.config.alertEscalationMinutes * 60_000 : null,
        escalatedAt: null,
        escalatedFrom: null,
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
