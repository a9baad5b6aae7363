import type { Deps } from '../../core/deps.js';
import { chainHash, linkHolds } from '../../crypto/hash-chain.js';
import { anchorFrom, type Anchor } from './checkpoints.js';

export interface ChainReport {
  subjects: number;
  entries: number;
  /** Signed anchors (checkpoints, receipts' heads, checkpoints the caller brought) checked. */
  anchors: number;
  /** The first problem found, if any: a broken link, or a chain that no longer reaches an anchor. */
  broken: { subjectId: string; seq: number; id: string | null; reason: string } | null;
}

const PAGE = 1000;

/**
 * Every anchor of one chain: its stored checkpoints, the heads in its grants' receipts, and any
 * checkpoints the caller kept (e.g. the person's own copies), each signature checked.
 */
async function anchorsOf(deps: Deps, subjectId: string, kept: string[]): Promise<{ anchors: Anchor[]; invalid: string | null }> {
  const signed: [string, string][] = (await deps.storage.accessLog.checkpoints(subjectId)).map((c) => [c.jws, `checkpoint ${c.id}`]);
  let after: { createdAt: number; id: string } | undefined;
  for (;;) {
    const grants = await deps.storage.grants.listForSubject(subjectId, { now: deps.clock.now(), limit: PAGE, ...(after ? { after } : {}) });
    for (const g of grants) {
      signed.push([g.receipt, `receipt of grant ${g.id}`]);
      if (g.revocationReceipt) signed.push([g.revocationReceipt, `revocation receipt of grant ${g.id}`]);
    }
    const last = grants[grants.length - 1];
    if (grants.length < PAGE || !last) break;
    after = { createdAt: last.createdAt, id: last.id };
  }
  kept.forEach((jws, i) => signed.push([jws, `kept checkpoint #${i + 1}`]));
  const anchors: Anchor[] = [];
  for (const [jws, source] of signed) {
    const a = await anchorFrom(deps, subjectId, jws, source);
    if (a && 'invalid' in a) return { anchors, invalid: a.invalid };
    if (a) anchors.push(a);
  }
  return { anchors: anchors.sort((x, y) => x.seq - y.seq), invalid: null };
}

/**
 * Walks each person's hash chain from its first entry, in pages, stopping at the first entry
 * whose content, position or link does not hold; then checks the chain still reaches every
 * signed anchor (docs/security.md, "Audit chain"), so removing its last entries or re-hashing
 * its tail is caught too.
 * @param subjectId one person, or everyone
 * @param kept checkpoint JWSs kept outside the database, checked against their person's chain
 */
export async function verifyAccessLog(deps: Deps, subjectId?: string, kept: string[] = []): Promise<ChainReport> {
  const subjects = subjectId ? [subjectId] : await deps.storage.accessLog.subjectIds();
  let entries = 0;
  let anchorCount = 0;
  const report = (broken: ChainReport['broken']): ChainReport => ({ subjects: subjects.length, entries, anchors: anchorCount, broken });
  for (const s of subjects) {
    const { anchors, invalid } = await anchorsOf(deps, s, kept);
    if (invalid) return report({ subjectId: s, seq: 0, id: null, reason: invalid });
    const wanted = new Set(anchors.map((a) => a.seq));
    const hashAt = new Map<number, { hash: string; id: string }>();
    let prev: string | null = null;
    let seq = 0;
    for (;;) {
      const page = await deps.storage.accessLog.list(s, { order: 'asc', limit: PAGE, afterSeq: seq });
      for (const e of page) {
        if (!linkHolds(e, prev, seq + 1)) return report({ subjectId: s, seq: seq + 1, id: e.id, reason: 'the entry does not match its chain' });
        if (wanted.has(e.seq)) hashAt.set(e.seq, { hash: e.hash, id: e.id });
        prev = e.hash;
        seq = e.seq;
        entries++;
      }
      if (page.length < PAGE) break;
    }
    for (const a of anchors) {
      const at = hashAt.get(a.seq);
      if (!at) return report({ subjectId: s, seq: a.seq, id: null, reason: `the chain ends at position ${seq}, but ${a.source} was signed at position ${a.seq}` });
      if (at.hash !== a.hash) return report({ subjectId: s, seq: a.seq, id: at.id, reason: `the entry differs from what ${a.source} signed` });
      anchorCount++;
    }
  }
  return report(null);
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
      if (!holds) return { checked: recent.length, broken: { subjectId, seq: e.seq, id: e.id, reason: 'the entry does not match its chain' } };
    }
  }
  return { checked: recent.length, broken: null };
}
