import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '../../errors.js';

/**
 * Where webhooks may go (docs/security.md, "Webhooks"): https to a public host only, so an
 * organisation's endpoint cannot be pointed at the service's own network (loopback, private
 * ranges, link-local cloud metadata). An operator can name exceptions in
 * TESSERA_WEBHOOK_ALLOWED_HOSTS. The address is checked when the URL is set and again on every
 * delivery, at connect time, so a name that later resolves inward (DNS rebinding) is refused too.
 */

const blocked = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, bits, 'ipv6');
}

/** @returns whether an IP address is on the public internet (IPv4-mapped IPv6 checked as IPv4) */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return !blocked.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** The host part of a URL as compared with the allow-list: lower case, IPv6 without brackets. */
function hostOf(url: URL): string {
  return url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** Names that never lead to a public host, whatever a resolver says. */
function isLocalName(host: string): boolean {
  return !host.includes('.') || /\.(localhost|local|internal|home\.arpa|lan)$/.test(host) || host === 'localhost';
}

function resolveAll(host: string): Promise<LookupAddress[] | undefined> {
  return new Promise((resolve) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => resolve(err ? undefined : addresses));
  });
}

/**
 * Checks a webhook URL.
 * @param allowedHosts host names or addresses the operator allows beyond public https hosts
 * @returns the normalised URL
 * @throws ValidationError naming `url`
 */
export async function checkWebhookUrl(raw: string, allowedHosts: readonly string[]): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ValidationError.body('url', 'must be an absolute URL');
  }
  if (url.username || url.password) throw ValidationError.body('url', 'must not carry credentials');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw ValidationError.body('url', 'must use https');
  const host = hostOf(url);
  if (allowedHosts.includes(host)) return url.toString();
  const refuse = (why: string): never => {
    throw ValidationError.body('url', `${why}; webhooks go only to https on a public host unless TESSERA_WEBHOOK_ALLOWED_HOSTS names the host`);
  };
  if (url.protocol !== 'https:') refuse('must use https');
  if (isIP(host)) {
    if (!isPublicAddress(host)) refuse(`${host} is not a public address`);
    return url.toString();
  }
  if (isLocalName(host)) refuse(`${host} is not a public host name`);
  // A name that does not resolve now is accepted: every delivery checks the address it connects to.
  const addresses = await resolveAll(host);
  if (addresses?.some((a) => !isPublicAddress(a.address))) refuse(`${host} resolves to a non-public address`);
  return url.toString();
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request that refuses to connect to a non-public address unless the
 * host is allowed, so the check holds at the moment of connecting.
 */
export function guardedLookup(allowedHosts: readonly string[]) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    const host = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const allowed = allowedHosts.includes(host);
      const usable = allowed ? addresses : addresses.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0) {
        const refused = Object.assign(new Error(`${host} resolves only to non-public addresses`), { code: 'ENOTPUBLIC' });
        return callback(refused, []);
      }
      if (options.all) return callback(null, usable);
      const first = usable[0]!;
      callback(null, first.address, first.family);
    });
  };
}
