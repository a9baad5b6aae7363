import { createHash } from 'node:crypto';
import type { ChainHead, LogEntryInput, LogEntryRow } from '../storage/contract.js';
import { timeOrderedId } from './secrets.js';

/**
 * The access log's tamper evidence: each entry's hash covers its canonical content and the
 * previous entry's hash, per person, so editing, removing or reordering an entry breaks every
 * hash after it (docs/security.md "Audit chain").
 */

/** What an entry's hash covers (times in epoch ms). */
export interface ChainedContent {
  id: string;
  subjectId: string;
  seq: number;
  at: number;
  actor: { accountId: string | null; organisationId: string | null; kind: string };
  /** Present only for a delegate's entries, so every earlier entry hashes as it always did. */
  onBehalfOf?: { accountId: string } | undefined;
  action: string;
  grantIds: string[];
  recordIds: string[];
  query: Record<string, unknown>;
  prevHash: string | null;
}

/**
 * JSON with object keys sorted at every depth: one byte string per value (RFC 8785 in spirit).
 * Built by concatenation (no intermediate arrays): it runs for every log entry and imported entry.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}

/** @returns the hex SHA-256 of the previous hash and the entry's canonical form */
export function chainHash(entry: ChainedContent): string {
  // Exactly the covered fields, so extra properties (the stored hash itself) never leak in.
  const { id, subjectId, seq, at, actor, onBehalfOf, action, grantIds, recordIds, query, prevHash } = entry;
  // canonicalJson leaves out undefined members: an entry without onBehalfOf hashes as before.
  const covered = { id, subjectId, seq, at, actor, onBehalfOf, action, grantIds, recordIds, query, prevHash };
  return createHash('sha256')
    .update(prevHash ?? '')
    .update('\n')
    .update(canonicalJson(covered))
    .digest('hex');
}

/**
 * Checks one link of a person's chain.
 * @param prevHash the hash of the entry before (null for the first)
 * @param expectedSeq the position this entry must hold (from 1)
 * @returns whether the entry is where it should be and its hash matches its content
 */
export function linkHolds(entry: ChainedContent & { hash: string }, prevHash: string | null, expectedSeq: number): boolean {
  return entry.prevHash === prevHash && entry.seq === expectedSeq && chainHash(entry) === entry.hash;
}

/**
 * The next link of a person's chain: what every storage adapter writes for an entry, given the
 * chain's last link, so the chain's content is decided here once and never by an adapter.
 * @param last the chain's current head, read inside the same write transaction
 */
export function nextLink(entry: LogEntryInput, last: Pick<ChainHead, 'seq' | 'hash'> | undefined): LogEntryRow {
  const content = { ...entry, id: timeOrderedId(entry.at), seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? null };
  return { ...content, hash: chainHash(content) };
}
