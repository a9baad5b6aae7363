import type { Deps } from '../../core/deps.js';
import { linkHolds } from '../../crypto/hash-chain.js';

export interface ChainReport {
  subjects: number;
  entries: number;
  /** The first broken entry found, if any. */
  broken: { subjectId: string; seq: number; id: string } | null;
}

const PAGE = 1000;

/**
 * Walks each person's hash chain from its first entry, in pages, stopping at the first entry
 * whose content, position or link does not hold.
 * @param subjectId one person, or everyone
 */
export async function verifyAccessLog(deps: Deps, subjectId?: string): Promise<ChainReport> {
  const subjects = subjectId ? [subjectId] : await deps.storage.accessLog.subjectIds();
  let entries = 0;
  for (const s of subjects) {
    let prev: string | null = null;
    let seq = 0;
    for (;;) {
      const page = await deps.storage.accessLog.list(s, { order: 'asc', limit: PAGE, afterSeq: seq });
      for (const e of page) {
        if (!linkHolds(e, prev, seq + 1)) return { subjects: subjects.length, entries, broken: { subjectId: s, seq: seq + 1, id: e.id } };
        prev = e.hash;
        seq = e.seq;
        entries++;
      }
      if (page.length < PAGE) break;
    }
  }
  return { subjects: subjects.length, entries, broken: null };
}
