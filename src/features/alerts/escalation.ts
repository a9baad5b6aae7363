import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../core/deps.js';
import { openField, sealField } from '../../crypto/envelope.js';
import type { AlertRow } from '../../storage/contract.js';
import { holderOf } from '../../core/holdings.js';
import { matchedField } from '../watches/evaluate.js';
import { grantsCoveringAlert, publishAlerts } from './service.js';

/**
 * Escalation of unacknowledged alerts. A match is stored with `escalateAt` (its time plus
 * TESSERA_ALERT_ESCALATION_MINUTES) when its watcher belongs to an organisation; this worker
 * polls the database for matches still unacknowledged by then, so an escalation survives a
 * restart and runs once even with several workers (the claim is one conditional UPDATE).
 *
 * Escalating means: each colleague in the watcher's organisation who could read that record
 * now, under an active grant of their own or of the organisation that reaches them, gets a copy
 * in their feed (kind `escalated`) and on their live streams, and the person's access log says
 * so. Consent given to one practitioner alone reaches no colleague, so such an alert is marked
 * escalated with no copies, and its log entry says nobody could be told.
 */
export async function escalateDue(deps: Deps, limit = 50): Promise<number> {
  const now = deps.clock.now();
  let escalated = 0;
  for (const alert of await deps.storage.alerts.dueForEscalation(now, limit)) {
    const watcher = await holderOf(deps, alert.watcherAccountId);
    const organisationId = watcher?.organisationId ?? null;
    const copies: AlertRow[] = [];
    const grantIds = new Set<string>();
    if (organisationId && alert.sealedMatched) {
      const dek = await deps.dataKeys.forSubject(alert.subjectId);
      const matched = openField(dek, alert.subjectId, matchedField(alert.id), alert.sealedMatched);
      for (const account of await deps.storage.accounts.listForOrganisation(organisationId)) {
        if (account.id === alert.watcherAccountId || account.kind !== 'practitioner') continue;
        const colleague = await holderOf(deps, account.id);
        if (!colleague) continue;
        const covering = await grantsCoveringAlert(deps, colleague, alert, now);
        if (covering.length === 0) continue;
        for (const g of covering) grantIds.add(g.id);
        const id = randomUUID();
        copies.push({
          ...alert,
          id,
          kind: 'escalated',
          watcherAccountId: colleague.accountId,
          at: now,
          sealedMatched: sealField(dek, alert.subjectId, matchedField(id), matched),
          ackedAt: null,
          escalateAt: null,
          escalatedAt: null,
          escalatedFrom: alert.id,
        });
      }
    }
    const log = {
      subjectId: alert.subjectId,
      at: now,
      actor: { accountId: null, organisationId, kind: 'system' },
      action: 'alert.escalate',
      grantIds: [...grantIds],
      recordIds: alert.recordId ? [alert.recordId] : [],
      query: { alertId: alert.id, watcherAccountId: alert.watcherAccountId, colleaguesTold: copies.length },
    };
    if (await deps.storage.alerts.escalate(alert, now, copies, log)) {
      publishAlerts(deps, copies);
      escalated++;
    }
  }
  return escalated;
}

/** @returns a function that stops the worker after the pass in flight */
export function startEscalationWorker(deps: Deps, log: FastifyBaseLogger, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= escalateDue(deps)
      .then((n) => {
        if (n > 0) log.info({ escalated: n }, 'unacknowledged alerts escalated to organisations');
      })
      .catch((e: unknown) => log.error({ err: e }, 'alert escalation failed'))
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
