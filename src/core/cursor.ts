import { ValidationError } from '../errors.js';

/**
 * Opaque keyset cursors: base64url JSON of the last item's sort key. A forged cursor can only
 * move the position; the caller's scope still bounds what the next page may hold.
 */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * @param cursor the opaque string from a previous page
 * @param shape field name → expected JSON type
 * @throws ValidationError naming `cursor` when it is not one we issued
 */
export function decodeCursor<T extends Record<string, string | number>>(cursor: string, shape: Record<keyof T, 'string' | 'number'>): T {
  const fail = () => ValidationError.query('cursor', 'is not a cursor this service issued; start again without it');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw fail();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail();
  const obj = value as Record<string, unknown>;
  for (const [k, t] of Object.entries(shape)) {
    if (typeof obj[k] !== t) throw fail();
    if (t === 'number' && !Number.isSafeInteger(obj[k])) throw fail();
  }
  if (Object.keys(obj).length !== Object.keys(shape).length) throw fail();
  return obj as T;
}

/** Keyset position in lists ordered newest first by creation time. */
export interface CreatedAfter {
  createdAt: number;
  id: string;
}

/** @returns the position a creation-ordered list's cursor names, or undefined without one */
export function createdAfter(cursor: string | undefined): CreatedAfter | undefined {
  if (!cursor) return undefined;
  const c = decodeCursor<{ c: number; i: string }>(cursor, { c: 'number', i: 'string' });
  return { createdAt: c.c, id: c.i };
}

/**
 * Cuts a list fetched with `limit + 1` rows into one page and the next page's cursor.
 * @returns the page and the cursor (null on the last page)
 */
export function pageByCreation<T extends { createdAt: number; id: string }>(rows: T[], limit: number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, nextCursor: rows.length > limit && last ? encodeCursor({ c: last.createdAt, i: last.id }) : null };
}
