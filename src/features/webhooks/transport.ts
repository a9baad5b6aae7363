import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPublicAddress } from './destination.js';

/** What a delivery attempt tells the outbox: a status from the receiver, or that none came. */
export type PostOutcome = { status: number } | { failure: 'no-response'; cause: string };

/**
 * POSTs one signed webhook body. Redirects are not followed, and the address connected to is
 * checked by {@link guardedLookup} (an IP literal in the URL is checked here, as no lookup runs).
 */
export function postWebhook(
  target: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowedHosts: readonly string[] },
): Promise<PostOutcome> {
  const url = new URL(target);
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !options.allowedHosts.includes(host) && !isPublicAddress(host)) {
    return Promise.resolve({ failure: 'no-response', cause: `${host} is not a public address` });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(options.allowedHosts) as never,
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0 });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ failure: 'no-response', cause: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end(body);
  });
}
