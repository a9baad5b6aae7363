import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';

/**
 * Row MACs (docs/security.md, "Integrity of stored rows"). The clear columns that decide access
 * (an account's kind, organisation and password hash; a session's lifetime; a grant's terms)
 * are bound by an HMAC-SHA256 under a key derived from the KEK, so an edit to the database
 * behind the service's back (re-attributing a practitioner, widening a grant, extending a
 * session) is refused instead of obeyed. A MAC names the KEK it was made under
 * (`kekId.mac`), so rows made before a rotation still verify, and `keys rotate` re-makes them.
 *
 * A MAC is only kept while its row is live: revoking a session or grant, or disabling an
 * account, sets it to null in the same write, so clearing `revoked_at` or `disabled_at` by
 * hand yields a live row with no valid MAC, which is refused.
 */

const macKeys = new WeakMap<Uint8Array, Buffer>();

function macKey(kek: Uint8Array): Buffer {
  let key = macKeys.get(kek);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'tessera/row-mac/v1', 32));
    macKeys.set(kek, key);
  }
  return key;
}

function digest(kek: Uint8Array, table: string, fields: readonly unknown[]): Buffer {
  // A JSON array is an unambiguous encoding of the tuple, as for record associated data.
  return createHmac('sha256', macKey(kek)).update(JSON.stringify([`tessera/${table}/v1`, ...fields])).digest();
}

/**
 * @param table what the row is (`account`, `session`, `grant`), so a MAC cannot move between kinds of row
 * @param fields the row's protected columns, in a fixed order
 * @returns the MAC to store, under the current KEK
 */
export function rowMac(keyring: Keyring, table: string, fields: readonly unknown[]): string {
  const kekId = keyring.currentKekId;
  return `${kekId}.${digest(keyring.kek(kekId), table, fields).toString('base64url')}`;
}

/** @returns the KEK id a stored MAC was made under, or null */
export function macKekId(mac: string | null): string | null {
  if (!mac) return null;
  const dot = mac.lastIndexOf('.');
  return dot > 0 ? mac.slice(0, dot) : null;
}

/** @returns whether a stored MAC matches the row's protected columns */
export function rowMacHolds(keyring: Keyring, table: string, fields: readonly unknown[], mac: string | null): boolean {
  const kekId = macKekId(mac);
  if (!kekId || (!keyring.hasKek(kekId) && !tryKek(keyring, kekId))) return false;
  const expected = digest(keyring.kek(kekId), table, fields);
  const given = Buffer.from(mac!.slice(kekId.length + 1), 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A KEK unknown here may have arrived in the keys file since (keyring.kek re-reads it once). */
function tryKek(keyring: Keyring, kekId: string): boolean {
  try {
    keyring.kek(kekId);
    return true;
  } catch {
    return false;
  }
}
