import { sql, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Q } from './open.js';

/** Rows one sweep removes at most, so a write never pays for a large backlog at once. */
const SWEEP_BATCH = 100;

/**
 * Deletes a batch of expired rows that no other transaction holds. SKIP LOCKED lets writers
 * on several instances sweep side by side without waiting on, or deadlocking with, each other.
 */
export async function sweepExpired(q: Q, table: PgTable, expiresAt: Column, now: number): Promise<void> {
  await q.execute(
    sql`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${expiresAt} < ${now} LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED)`,
  );
}
