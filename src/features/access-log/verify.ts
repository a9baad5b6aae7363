import type { Deps } from '../../core/deps.js';
import { chainHash, linkHolds } from '../../crypto/hash-chain.js';

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

/**
 * A cheap check for start-up: the last `limit` entries written, each person's run of them
 * checked against its own content and its predecessor. It catches recent edits without walking
 * every chain (that is `tessera audit verify`).
 * @returns how many entries were checked and the first broken one, if any
 */
export async function checkRecentLog(deps: Deps, limit: number): Promise<{ checked: number; broken: ChainReport['broken'] }> {
  const recent = await deps.storage.accessLog.recent(limit);
  const bySubject = new Map<string, typeof recent>();
  for (const e of recent) bySubject.set(e.subjectId, [...(bySubject.get(e.subjectId) ?? []), e]);
  for (const [subjectId, entries] of bySubject) {
    entries.sort((a, b) => a.seq - b.seq);
    for (const [i, e] of entries.entries()) {
      const prev = entries[i - 1];
      const holds = prev ? linkHolds(e, prev.hash, prev.seq + 1) : chainHash(e) === e.hash;
      if (!holds) return { checked: recent.length, broken: { subjectId, seq: e.seq, id: e.id } };
    }
  }
  return { checked: recent.length, broken: null };
}
