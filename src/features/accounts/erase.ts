import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { verifyPassword } from '../../crypto/passwords.js';
import { ForbiddenError, NotFoundError, TesseraError } from '../../errors.js';
import { erasureTombstone, recordErasure } from './erasure-ledger.js';

/**
 * Erases a person and everything Tessera holds about them, after they re-enter their password.
 * Their data key is destroyed first (crypto-shredding), so backups taken earlier cannot be
 * opened for them either; the access log keeps a tombstone with no personal data so every
 * chain still verifies.
 * @throws ForbiddenError when the password is wrong
 */
export async function eraseMe(deps: Deps, actor: Actor, password: string): Promise<{ subjectId: string; erasedAt: string }> {
  const account = await deps.storage.accounts.findById(actor.accountId);
  if (!account?.subjectId || !account.passwordHash) throw new NotFoundError();
  if (!(await verifyPassword(account.passwordHash, password))) throw new ForbiddenError('The password is not correct; nothing was erased');
  const now = deps.clock.now();
  // The ledger first: if it cannot be written, nothing is erased (a restore would undo it).
  try {
    await recordErasure(deps.config.erasureLedgerFile, deps.keyring, account.subjectId, now);
  } catch (e) {
    throw new TesseraError('TESSERA_UNAVAILABLE', `The erasure could not be recorded (${(e as NodeJS.ErrnoException).code ?? 'error'}); nothing was erased, try again later`);
  }
  await deps.storage.subjects.erase(account.subjectId, erasureTombstone(account.subjectId, now));
  deps.dataKeys.forget(account.subjectId);
  return { subjectId: account.subjectId, erasedAt: iso(now) };
}
