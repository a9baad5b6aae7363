import type { Deps } from '../../core/deps.js';
import { unwrapDataKey, unwrapSecret, wrapDataKey, wrapSecret } from '../../crypto/envelope.js';

const BATCH = 500;
import { WEBHOOK_SECRET_PURPOSE as WEBHOOK_PURPOSE } from '../webhooks/service.js';
import { remacAll } from './remac.js';

/**
 * Re-wraps every data key (and webhook secret) not yet under the current KEK, in batches, each
 * batch one transaction. Idempotent and resumable: rows already moved are skipped, a row erased
 * meanwhile is left alone, and a crash between batches loses nothing because both KEKs stay in
 * the keys file.
 * @returns how many data keys and secrets were re-wrapped
 */
export async function rewrapAll(deps: Deps, onBatch: (done: number) => void = () => undefined): Promise<{ dataKeys: number; secrets: number; macs: number }> {
  const { keyring, storage } = deps;
  const current = keyring.currentKekId;
  const kek = keyring.kek(current);
  let dataKeys = 0;
  for (;;) {
    const stale = await storage.keys.staleWrapped(current, BATCH);
    if (stale.length === 0) break;
    const moves = stale.map((from) => {
      const dek = unwrapDataKey(keyring.kek(from.kekId), from.kekId, from.subjectId, from.wrappedKey);
      return { from, to: { subjectId: from.subjectId, kekId: current, wrappedKey: wrapDataKey(kek, current, from.subjectId, dek) } };
    });
    dataKeys += await storage.keys.rewrap(moves, deps.clock.now());
    onBatch(dataKeys);
  }
  let secrets = 0;
  for (const hook of await storage.webhooks.listAll()) {
    if (hook.kekId === current) continue;
    const secret = unwrapSecret(keyring.kek(hook.kekId), hook.kekId, WEBHOOK_PURPOSE, hook.organisationId, hook.sealedSecret);
    await storage.webhooks.put({ ...hook, kekId: current, sealedSecret: wrapSecret(kek, current, WEBHOOK_PURPOSE, hook.organisationId, secret) });
    secrets++;
  }
  // Row MACs name their KEK too: re-made under the new one, so the old one can be retired.
  const { remade } = await remacAll(deps, { missing: false });
  return { dataKeys, secrets, macs: remade };
}
