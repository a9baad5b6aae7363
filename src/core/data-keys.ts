import { newDataKey, unwrapDataKey, wrapDataKey } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Clock } from './clock.js';
import { NotFoundError } from '../errors.js';
import type { EventsPort, KeysRepo, WrappedKeyRow } from '../storage/contract.js';

/** Unwrapped keys are kept briefly and in bounded number: enough to spare the hot path a read and an unwrap. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * Creates and opens people's data keys (README "Security model"). Opened keys live only in
 * memory, in a small time-bounded cache; erasure calls {@link forget} so an erased person's key
 * leaves memory at once, on every instance (through the storage's events), and a rewritten keys
 * file empties the cache. The cache never decides access: grants are read on every request, and
 * an erased person has no rows left for a cached key to open.
 */
export class DataKeys {
  private readonly cache = new Map<string, { dek: Uint8Array; until: number }>();

  constructor(
    private readonly keyring: Keyring,
    private readonly repo: KeysRepo,
    private readonly clock: Clock,
    private readonly events?: EventsPort,
  ) {
    events?.subscribe('data-key', (subjectId) => this.cache.delete(subjectId));
    events?.subscribe('keys-file', () => this.cache.clear());
  }

  /** @returns a new data key and its wrapping under the current KEK, for a new person */
  create(subjectId: string): { dek: Uint8Array; wrapped: WrappedKeyRow } {
    const dek = newDataKey();
    const kekId = this.keyring.currentKekId;
    return { dek, wrapped: { subjectId, kekId, wrappedKey: wrapDataKey(this.keyring.kek(kekId), kekId, subjectId, dek) } };
  }

  /**
   * @returns the person's data key, unwrapped in memory only
   * @throws NotFoundError when the person has no key (erased or never existed)
   */
  async forSubject(subjectId: string): Promise<Uint8Array> {
    const now = this.clock.now();
    const hit = this.cache.get(subjectId);
    if (hit && hit.until > now) return hit.dek;
    const row = await this.repo.getWrapped(subjectId);
    if (!row) {
      this.cache.delete(subjectId);
      throw new NotFoundError();
    }
    const dek = unwrapDataKey(this.keyring.kek(row.kekId), row.kekId, subjectId, row.wrappedKey);
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(subjectId, { dek, until: now + CACHE_TTL_MS });
    return dek;
  }

  /**
   * Drops a person's key from memory (erasure). Not zeroed: a request in flight may still hold
   * it, and sealing with a zeroed key would write rows nobody can open.
   */
  forget(subjectId: string): void {
    this.cache.delete(subjectId);
    this.events?.publish('data-key', subjectId).catch(() => undefined);
  }
}
