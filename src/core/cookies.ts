import type { Config } from '../config.js';

/**
 * The web app's session cookie (docs/web-app.md): HttpOnly so page scripts never read it,
 * SameSite=Lax so other sites' subrequests do not carry it, Path=/ and, behind https, Secure
 * with the `__Host-` prefix, which browsers only accept from this very origin without a Domain.
 */

/** How long a browser login lasts: a working day, then the person logs in again. */
export const BROWSER_SESSION_SECONDS = 12 * 3600;

function secure(config: Config): boolean {
  return config.publicUrl.startsWith('https:');
}

/** @returns the cookie's name for this deployment */
export function sessionCookieName(config: Config): string {
  return secure(config) ? '__Host-tessera_session' : 'tessera_session';
}

/** @returns the value of cookie `name` in a Cookie header, or undefined */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** @returns a Set-Cookie value holding the session secret (base64url, so it needs no quoting) */
export function sessionCookie(config: Config, secret: string): string {
  return `${sessionCookieName(config)}=${secret}; Path=/; Max-Age=${BROWSER_SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure(config) ? '; Secure' : ''}`;
}

/** @returns a Set-Cookie value that removes the session cookie */
export function clearedSessionCookie(config: Config): string {
  return `${sessionCookieName(config)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure(config) ? '; Secure' : ''}`;
}

/**
 * The web app's "acting for" cookie (docs/web-app.md, "Acting for someone"): it names only the
 * delegation a delegate chose to act under, never a token. Each page request obtains the
 * delegation token on the server from the session and this id, and checks it as a bearer one.
 */
export function actingCookieName(config: Config): string {
  return secure(config) ? '__Host-tessera_acting' : 'tessera_acting';
}

/** @returns a Set-Cookie value naming the delegation the browser's session acts under */
export function actingCookie(config: Config, delegationId: string): string {
  return `${actingCookieName(config)}=${delegationId}; Path=/; Max-Age=${BROWSER_SESSION_SECONDS}; HttpOnly; SameSite=Lax${secure(config) ? '; Secure' : ''}`;
}

/** @returns a Set-Cookie value that removes the acting cookie */
export function clearedActingCookie(config: Config): string {
  return `${actingCookieName(config)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure(config) ? '; Secure' : ''}`;
}
