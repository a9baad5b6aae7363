import { newDataKey, unwrapDataKey, wrapDataKey } from '../crypto/envelope.js';
import type { Keyring } from '../crypto/keyring.js';
import { NotFoundError } from '../errors.js';
import type { KeysRepo, WrappedKeyRow } from '../storage/contract.js';

/** Creates and opens people's data keys (DESIGN "Crypto design"). */
export class DataKeys {
  constructor(
    private readonly keyring: Keyring,
    private readonly repo: KeysRepo,
  ) {}

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
    const row = await this.repo.getWrapped(subjectId);
    if (!row) throw new NotFoundError();
    return unwrapDataKey(this.keyring.kek(row.kekId), row.kekId, subjectId, row.wrappedKey);
  }
}
