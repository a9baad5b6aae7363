import { and, eq, lt, or, type Column, type SQL } from 'drizzle-orm';

/**
 * Keyset paging, newest first, for both adapters: the rows strictly before a position in
 * (time, id) descending order. Every "newest first" list (grants, requests, referrals, disputes,
 * alerts, notifications) pages this way, so a row added meanwhile never shifts a page.
 * @returns the condition, or undefined for the first page
 */
export function olderThan(time: Column, id: Column, position: { time: number; id: string } | undefined): SQL | undefined {
  if (!position) return undefined;
  return or(lt(time, position.time), and(eq(time, position.time), lt(id, position.id)));
}
