import { createHash } from 'node:crypto';

/**
 * The access log's tamper evidence: each entry's hash covers its canonical content and the
 * previous entry's hash, per person, so editing, removing or reordering an entry breaks every
 * hash after it (DESIGN "Access log").
 */

/** What an entry's hash covers (times in epoch ms). */
export interface ChainedContent {
  id: string;
  subjectId: string;
  seq: number;
  at: number;
  actor: { accountId: string | null; organisationId: string | null; kind: string };
  action: string;
  grantIds: string[];
  recordIds: string[];
  query: Record<string, unknown>;
  prevHash: string | null;
}

/** JSON with object keys sorted at every depth: one byte string per value (RFC 8785 in spirit). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** @returns the hex SHA-256 of the previous hash and the entry's canonical form */
export function chainHash(entry: ChainedContent): string {
  return createHash('sha256')
    .update(entry.prevHash ?? '')
    .update('\n')
    .update(canonicalJson(entry))
    .digest('hex');
}

/**
 * Walks one person's chain in order.
 * @returns the index of the first entry whose hash or link is wrong, or -1 when intact
 */
export function firstBrokenLink(entries: (ChainedContent & { hash: string })[]): number {
  let prev: string | null = null;
  for (const [i, e] of entries.entries()) {
    if (e.prevHash !== prev || e.seq !== i + 1 || chainHash(e) !== e.hash) return i;
    prev = e.hash;
  }
  return -1;
}
