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
