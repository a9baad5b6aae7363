import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TesseraError, ValidationError } from '../errors.js';

/**
 * What the API reads, checked before any route: HTTP/1.1 requests name their Host, and bodies
 * are JSON only (form bodies are the token endpoints' own, through @fastify/formbody there), in
 * UTF-8 as RFC 8259 §8.1 requires, nested at most `maxDepth` levels. Refusing depth here keeps
 * every recursion below (validation, canonical JSON for idempotency hashes, encryption) safe
 * from attacker-chosen depth: a 10,000-deep `detail` once overflowed the stack and answered 500
 * (issue #8).
 */
export interface InputOptions {
  maxDepth: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * @returns whether the JSON text nests arrays and objects deeper than `max`; strings are skipped,
 *   and malformed text is left for the parser to refuse
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i === -1) return false;
        let k = i - 1;
        while (text.charCodeAt(k) === BACKSLASH) k--;
        if ((i - 1 - k) % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** A JSON pointer reference token (RFC 6901 §4). */
function token(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * @returns the JSON pointer of the first string (or key) holding U+0000, or undefined. Walks
 *   values the JSON parser made, so nesting is already bounded by `maxDepth`. The pointer is
 *   built only on the way back from a hit: an import body has hundreds of thousands of keys.
 */
export function nulPointer(value: unknown): string | undefined {
  const path = nulPath(value);
  if (path === undefined) return undefined;
  return path.length === 0 ? '/' : path.reverse().map((k) => `/${token(k)}`).join('');
}

/** @returns the keys leading to the first NUL, innermost first, or undefined */
function nulPath(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? [] : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i]);
      if (found) return (found.push(String(i)), found);
    }
    return undefined;
  }
  for (const k in value) {
    if (!Object.prototype.hasOwnProperty.call(value, k)) continue;
    if (k.includes('\u0000')) return [k];
    const found = nulPath((value as Record<string, unknown>)[k]);
    if (found) return (found.push(k), found);
  }
  return undefined;
}

async function inputPlugin(app: FastifyInstance, { maxDepth }: InputOptions) {
  // No text Tessera keeps may hold U+0000: PostgreSQL text cannot store it, and no name, note
  // or code needs it. Refused for every adapter alike, in the body, query and path.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['body', request.body],
      ['query', request.query],
      ['params', request.params],
    ] as const) {
      const pointer = nulPointer(value);
      if (pointer !== undefined) {
        const field = pointer.slice(1).replace(/\//g, '.') || part;
        throw new ValidationError([{ field, pointer, in: part, detail: 'must not contain NUL (U+0000) characters' }]);
      }
    }
  });

  // RFC 9112 §3.2. Node would refuse this itself with an empty 400 (app.ts turns that off), so
  // the refusal is problem+json like every other.
  app.addHook('onRequest', async (request) => {
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      throw new TesseraError('TESSERA_BAD_REQUEST', 'An HTTP/1.1 request needs a Host header');
    }
  });

  // Fastify parses text/plain by default; the API takes JSON only, so any other type must be a
  // 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain');

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonBodyParser(app, maxDepth));
}

/**
 * Fastify's own JSON parser (with its __proto__ and constructor poisoning checks) behind two
 * checks of ours: the bytes are UTF-8, and the nesting is bounded. Also used for the FHIR JSON
 * bodies imports take.
 */
export function jsonBodyParser(app: FastifyInstance, maxDepth: number) {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(new TesseraError('TESSERA_UNSUPPORTED_MEDIA_TYPE', `JSON is read as UTF-8 only (RFC 8259), not ${charset}`), undefined);
      return;
    }
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new TesseraError('TESSERA_BAD_JSON', 'The body is not valid UTF-8'), undefined);
      return;
    }
    if (nestsDeeperThan(text, maxDepth)) {
      done(new TesseraError('TESSERA_BAD_JSON', `The body nests arrays and objects deeper than ${maxDepth} levels`), undefined);
      return;
    }
    // Fast path: without these substrings no key can be __proto__ or constructor, however
    // escaped, so the poisoning checks have nothing to find; their two scans of a large import
    // body cost more than the parse. Anything else (and any syntax error) goes the checked way.
    if (!text.includes('\\u') && !text.includes('__proto__') && !text.includes('constructor')) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        parseJson(request, text, done);
        return;
      }
      done(null, value);
      return;
    }
    parseJson(request, text, done);
  };
}

export default fp(inputPlugin, { name: 'tessera-input' });
