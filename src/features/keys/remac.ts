import type { Deps } from '../../core/deps.js';
import { macHolds, macOf } from '../../core/integrity.js';
import { macKekId } from '../../crypto/integrity.js';
import type { MacTable } from '../../storage/contract.js';

const BATCH = 500;

/** What a pass did: MACs re-made, and rows left alone because their MAC did not verify. */
export interface RemacReport {
  remade: number;
  refused: { table: MacTable; id: string }[];
}

/**
 * Re-makes row MACs under the current KEK (src/crypto/integrity.ts): after a rotation, so the
 * old KEK can be retired; and once, with `missing`, for rows from before MACs existed. A MAC
 * that no longer verifies is never re-made (that would launder an edit): such rows are
 * reported, and keep being refused where they are used.
 */
export async function remacAll(deps: Deps, options: { missing: boolean }): Promise<RemacReport> {
  const { keyring, storage } = deps;
  const current = keyring.currentKekId;
  const report: RemacReport = { remade: 0, refused: [] };
  const skip = new Set<string>();
  for (;;) {
    const stale = await storage.integrity.stale(current, deps.clock.now(), BATCH + skip.size, options.missing);
    const moves: { table: MacTable; id: string; from: string | null; to: string }[] = [];
    const consider = <T extends { id: string; integrity: string | null }>(table: MacTable, rows: T[], remake: (r: T) => string, holds: (r: T) => boolean) => {
      for (const r of rows) {
        if (skip.has(r.id)) continue;
        if (r.integrity !== null && (macKekId(r.integrity) === current || !holds(r))) {
          skip.add(r.id);
          report.refused.push({ table, id: r.id });
          continue;
        }
        moves.push({ table, id: r.id, from: r.integrity, to: remake(r) });
      }
    };
    consider('accounts', stale.accounts, (a) => macOf.account(keyring, a), (a) => macHolds.account(keyring, a));
    consider('sessions', stale.sessions, (s) => macOf.session(keyring, s), (s) => macHolds.session(keyring, s));
    consider('grants', stale.grants, (g) => macOf.grant(keyring, g), (g) => macHolds.grant(keyring, g));
    consider('delegations', stale.delegations, (d) => macOf.delegation(keyring, d), (d) => macHolds.delegation(keyring, d));
    if (moves.length === 0) return report;
    report.remade += await storage.integrity.replace(moves);
  }
}

/**
 * On the first start after MACs were introduced, makes them for the live rows that existed
 * before, once (a marker row says it is done).
 * @returns the report, or null when it had been done already
 */
export async function backfillMacs(deps: Deps): Promise<RemacReport | null> {
  if (await deps.storage.integrity.backfilled()) return null;
  const report = await remacAll(deps, { missing: true });
  await deps.storage.integrity.markBackfilled(deps.clock.now());
  return report;
}
