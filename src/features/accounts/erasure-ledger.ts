import fs from 'node:fs';
import path from 'node:path';
import { makeDir } from '../../core/dirs.js';
import type { Deps } from '../../core/deps.js';
import { signErasure, verifyErasure } from '../../crypto/jws.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { LogEntryInput } from '../../storage/contract.js';

/**
 * The erasure ledger: one signed line per erased person, kept outside the database
 * (TESSERA_ERASURE_LEDGER, by default beside it), so restoring a backup taken before an
 * erasure cannot bring the person back: restore and every server start re-apply it before
 * anything is served (README, Operations). An entry holds the subject id and the time only.
 */

/**
 * Appends an entry and forces it to disk before the erasure itself starts, so a crash in
 * between leaves an entry that the next start completes.
 */
export async function recordErasure(file: string, keyring: Keyring, subjectId: string, at: number): Promise<void> {
  const line = `${await signErasure(keyring, subjectId, at)}\n`;
  makeDir(path.dirname(file));
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface LedgerRead {
  entries: { subjectId: string; erasedAt: string }[];
  /** Lines whose signature does not hold (edited, or signed by keys not in this keys file). */
  invalid: number;
}

export async function readErasures(file: string, keyring: Keyring): Promise<LedgerRead> {
  if (!fs.existsSync(file)) return { entries: [], invalid: 0 };
  const out: LedgerRead = { entries: [], invalid: 0 };
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const entry = await verifyErasure(keyring, line.trim());
    if (entry) out.entries.push(entry);
    else out.invalid++;
  }
  return out;
}

/** The tombstone an erasure appends to the person's chain: no personal data. */
export function erasureTombstone(subjectId: string, at: number, query: Record<string, unknown> = {}): LogEntryInput {
  return { subjectId, at, actor: { accountId: null, organisationId: null, kind: 'citizen' }, action: 'subject.erase', grantIds: [], recordIds: [], query };
}

/**
 * Erases again everyone in the ledger whose data key is in the database (a restored backup
 * from before their erasure brought it back).
 * @returns how many people were erased again, and how many ledger lines did not verify
 */
export async function reapplyErasures(deps: Deps): Promise<{ reapplied: string[]; invalid: number }> {
  const { entries, invalid } = await readErasures(deps.config.erasureLedgerFile, deps.keyring);
  const reapplied: string[] = [];
  for (const e of entries) {
    if (!(await deps.storage.keys.getWrapped(e.subjectId))) continue;
    await deps.storage.subjects.erase(e.subjectId, erasureTombstone(e.subjectId, deps.clock.now(), { reapplied: true, erasedAt: e.erasedAt }));
    deps.dataKeys.forget(e.subjectId);
    reapplied.push(e.subjectId);
  }
  return { reapplied, invalid };
}
