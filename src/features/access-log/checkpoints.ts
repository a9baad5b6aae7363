import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Deps } from '../../core/deps.js';
import { iso } from '../../core/time.js';
import { signReceipt, verifySignedClaims } from '../../crypto/jws.js';
import type { ChainHead, CheckpointRow } from '../../storage/contract.js';

/**
 * Anchors for the access-log chains (docs/security.md, "Audit chain"). A hash chain alone
 * shows an edit in the middle, but not the last entries removed, nor the whole tail re-hashed.
 * Signed checkpoints of each chain's head fix that: the person can fetch and keep one (as they
 * keep consent receipts), receipts and exports carry the head too, and `tessera audit verify`
 * fails when the chain no longer reaches a checkpoint.
 */

/** What a checkpoint JWS says, besides iss, iat and jti. */
export const CHECKPOINT_TYPE = 'tessera.access-log.checkpoint';

/** A head as receipts and exports carry it. */
export interface HeadClaim {
  seq: number;
  hash: string;
}

async function sign(deps: Deps, head: ChainHead, through: number | null): Promise<CheckpointRow> {
  const at = deps.clock.now();
  const id = randomUUID();
  const jws = await signReceipt(deps.keyring, deps.config.publicUrl, {
    jti: id,
    typ: CHECKPOINT_TYPE,
    subjectId: head.subjectId,
    seq: head.seq,
    hash: head.hash,
    at: iso(at),
  });
  return { id, subjectId: head.subjectId, seq: head.seq, hash: head.hash, at, jws, through };
}

/** @returns the head of a person's chain as receipts carry it, or null for an empty chain */
export async function headClaim(deps: Deps, subjectId: string): Promise<HeadClaim | null> {
  const h = await deps.storage.accessLog.head(subjectId);
  return h ? { seq: h.seq, hash: h.hash } : null;
}

/**
 * A signed checkpoint of the chain's current head: the stored one when it is still the head,
 * else a new one, stored.
 * @returns undefined for a person with an empty chain
 */
export async function currentCheckpoint(deps: Deps, subjectId: string): Promise<CheckpointRow | undefined> {
  const head = await deps.storage.accessLog.head(subjectId);
  if (!head) return undefined;
  const latest = await deps.storage.accessLog.latestCheckpoint(subjectId);
  if (latest && latest.seq === head.seq && latest.hash === head.hash) return latest;
  const row = await sign(deps, head, null);
  await deps.storage.accessLog.addCheckpoint(row);
  return row;
}

/** How many log entries one pass of the signer reads before yielding to requests. */
const SCAN_BATCH = 5_000;

/**
 * Signs a checkpoint for every chain that advanced since the last pass, every `intervalMs`, so
 * an entry is anchored within one interval even if nobody asks. It resumes after a restart
 * from where the stored checkpoints say it got to.
 * @returns a function that stops it after the pass in flight
 */
export function startCheckpointSigner(deps: Deps, log: FastifyBaseLogger, intervalMs: number): () => Promise<void> {
  let position: number | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    position ??= await deps.storage.accessLog.signedThrough();
    for (;;) {
      const { heads, position: next } = await deps.storage.accessLog.advancedSince(position, SCAN_BATCH);
      if (next === position || stopped) return;
      for (const head of heads) await deps.storage.accessLog.addCheckpoint(await sign(deps, head, next));
      position = next;
      await new Promise((r) => setImmediate(r));
    }
  };
  const timer = setInterval(() => {
    running ??= pass()
      .catch((e: unknown) => log.error({ err: e }, 'signing access-log checkpoints failed; will retry'))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/** An anchor found for a chain: a checkpoint, a receipt's head, or one the person kept. */
export interface Anchor {
  seq: number;
  hash: string;
  source: string;
}

/**
 * Reads the anchors of one chain from a signed checkpoint or receipt.
 * @returns the anchor, or a reason it cannot be one (bad signature, another person)
 */
export async function anchorFrom(deps: Deps, subjectId: string, jws: string, source: string): Promise<Anchor | { invalid: string } | null> {
  const claims = await verifySignedClaims(deps.keyring, jws);
  if (!claims) return { invalid: `${source}: the signature does not verify` };
  if (claims.subjectId !== subjectId) return null;
  if (claims.typ === CHECKPOINT_TYPE && typeof claims.seq === 'number' && typeof claims.hash === 'string') {
    return { seq: claims.seq, hash: claims.hash, source };
  }
  const head = claims.logHead as HeadClaim | null | undefined;
  if (head && typeof head.seq === 'number' && typeof head.hash === 'string') return { seq: head.seq, hash: head.hash, source };
  return null;
}
