import type { Actor } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { verifyPassword } from '../../crypto/passwords.js';
import { ForbiddenError, NotFoundError, RateLimitedError, TesseraError } from '../../errors.js';
import { erasureTombstone, recordErasure } from './erasure-ledger.js';

/**
 * Erases a person and everything Tessera holds about them, after they re-enter their password.
 * Their data key is destroyed first (crypto-shredding), so backups taken earlier cannot be
 * opened for them either; the access log keeps a tombstone with no personal data so every
 * chain still verifies.
 * The password check is throttled like a login (same counts, keyed by handle and IP), so a
 * stolen access token cannot be used to guess the password through this route.
 * @throws ForbiddenError when the password is wrong; RateLimitedError after too many
 */
export async function eraseMe(deps: Deps, actor: Actor, password: string, ip: string): Promise<{ subjectId: string; erasedAt: string }> {
  const account = await deps.storage.accounts.findById(actor.accountId);
  if (!account?.subjectId || !account.passwordHash || !account.handle) throw new NotFoundError();
  const wait = await deps.loginThrottle.retryAfter(account.handle, ip, deps.clock.now());
  if (wait > 0) throw new RateLimitedError(wait, `Too many wrong passwords; try again in ${wait} s`);
  if (!(await verifyPassword(account.passwordHash, password))) {
    await deps.loginThrottle.fail(account.handle, ip, deps.clock.now());
    throw new ForbiddenError('The password is not correct; nothing was erased');
  }
  await deps.loginThrottle.succeed(account.handle, ip);
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
