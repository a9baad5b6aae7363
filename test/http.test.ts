import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createAdmin, signUpCitizen, strongPassword, uniqueHandle, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, buildTestApp, type TestApp } from './helpers/app.js';
import { errorCodes } from './helpers/reference.js';
import { repoRoot } from './helpers/process.js';

let t: TestApp;
let alice: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  alice = await signUpCitizen(t.app);
});
afterAll(() => t.close());

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

/** RFC 9457 problem details with Tessera's members (docs/errors.md). */
function expectProblem(res: Res, status: number, code: string): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, title: (errorCodes as Record<string, { title: string }>)[code]!.title });
  expect(body.type).toBe(`urn:tessera:problem:${code.slice('TESSERA_'.length).toLowerCase().replace(/_/g, '-')}`);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.instance).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
  expect(body).not.toHaveProperty('stack');
  expect(body).not.toHaveProperty('message');
  return body;
}

const note = { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text: 'hello' };

describe('problem+json for every class of error', () => {
  it('400 validation lists each bad field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(alice.token), payload: { type: 'note', text: 5, extra: 1 } });
    const body = expectProblem(res, 400, 'TESSERA_VALIDATION');
    const errors = body.errors as { field: string; pointer: string; in: string; detail: string }[];
    expect(errors.map((e) => e.field).sort()).toEqual(['effectiveAt', 'extra', 'text']);
    for (const e of errors) {
      expect(e.in).toBe('body');
      expect(e.pointer).toBe(`/${e.field}`);
      expect(e.detail.length).toBeGreaterThan(0);
    }
  });

  it('400 for malformed JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: { ...bearer(alice.token), 'content-type': 'application/json' },
      payload: '{"type": "note",',
    });
    expectProblem(res, 400, 'TESSERA_BAD_JSON');
  });

  it('400 for an empty JSON body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: { ...bearer(alice.token), 'content-type': 'application/json' }, payload: '' });
    expectProblem(res, 400, 'TESSERA_BAD_JSON');
  });

  it('400 for a JSON body that is not an object', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: { ...bearer(alice.token), 'content-type': 'application/json' }, payload: '[1,2]' });
    expectProblem(res, 400, 'TESSERA_VALIDATION');
  });

  it.each([
    ['no token', {}],
    ['a garbage token', { authorization: 'Bearer garbage' }],
    ['a JWT-shaped garbage token', { authorization: 'Bearer aaa.bbb.ccc' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('401 with a Bearer challenge for %s', async (_why, headers) => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers });
    expectProblem(res, 401, 'TESSERA_UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('401 comes before body parsing: an anonymous bad body is still a 401', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: { 'content-type': 'application/json' }, payload: '{oops' });
    expectProblem(res, 401, 'TESSERA_UNAUTHENTICATED');
  });

  it('403 for an admin token on a citizen route', async () => {
    const admin = await createAdmin(t);
    const res = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(admin.token) });
    expectProblem(res, 403, 'TESSERA_FORBIDDEN');
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(admin.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'admin', subjectId: null, handle: admin.handle });
  });

  it('404 for an unknown route', async () => {
    const body = expectProblem(await t.app.inject({ method: 'GET', url: '/v1/nowhere?x=1' }), 404, 'TESSERA_NOT_FOUND');
    expect(body.detail).not.toContain('x=1');
  });

  it('404 for an unknown method on a known path', async () => {
    expectProblem(await t.app.inject({ method: 'PUT', url: '/v1/me/records', headers: bearer(alice.token), payload: note }), 404, 'TESSERA_NOT_FOUND');
  });

  it('409 for a taken handle', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: alice.handle, password: strongPassword, displayName: 'Again' } });
    expectProblem(res, 409, 'TESSERA_CONFLICT');
  });

  it('413 for a body over 1 MiB', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: bearer(alice.token),
      payload: { ...note, text: 'x'.repeat(1024 * 1024 + 10) },
    });
    expectProblem(res, 413, 'TESSERA_PAYLOAD_TOO_LARGE');
  });

  it('415 for text/plain', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: { ...bearer(alice.token), 'content-type': 'text/plain' },
      payload: JSON.stringify(note),
    });
    expectProblem(res, 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
  });

  it('415 for a form body outside the token endpoints', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/records',
      headers: { ...bearer(alice.token), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'type=note&effectiveAt=2026-03-01T10%3A00%3A00Z&text=hello',
    });
    expectProblem(res, 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
    const signUp = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ handle: uniqueHandle(), password: strongPassword, displayName: 'Form' }).toString(),
    });
    expectProblem(signUp, 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
  });

  it('415 for a body without a content type', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: { ...bearer(alice.token) }, payload: Buffer.from(JSON.stringify(note)) });
    expectProblem(res, 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
  });

  it('429 with Retry-After when sign-up is rate limited', async () => {
    const local = await buildTestApp({ limits: { signUp: 1 } });
    try {
      const first = await local.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: uniqueHandle(), password: strongPassword, displayName: 'One' } });
      expect(first.statusCode).toBe(201);
      const res = await local.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: uniqueHandle(), password: strongPassword, displayName: 'Two' } });
      expectProblem(res, 429, 'TESSERA_RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await local.close();
    }
  });

  it('the token endpoint answers RFC 6749 JSON, also when rate limited', async () => {
    const local = await buildTestApp({ limits: { token: 1 } });
    try {
      await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: 'x', password: 'y' } });
      const res = await local.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: 'x', password: 'y' } });
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(res.json()).sort()).toEqual(['error', 'error_description']);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await local.close();
    }
  });
});

describe('hostile input is refused as problem+json (issue #8, found by the contract fuzz)', () => {
  const json = (payload: string | Buffer, contentType = 'application/json') => ({
    method: 'POST' as const,
    url: '/v1/me/records',
    headers: { ...bearer(alice.token), 'content-type': contentType },
    payload,
  });
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('a body nested 10,000 deep is a 400, not a stack overflow (was 500)', async () => {
    const deepDetail = `{"type":"note","effectiveAt":"2026-03-01T10:00:00Z","text":"x","detail":${nested(10_000)}}`;
    const body = expectProblem(await t.app.inject(json(deepDetail)), 400, 'TESSERA_BAD_JSON');
    expect(body.detail).toMatch(/deeper than 32 levels/);
    expectProblem(await t.app.inject(json('['.repeat(100_000) + ']'.repeat(100_000))), 400, 'TESSERA_BAD_JSON');
    // Brackets inside strings are text, not nesting.
    const res = await t.app.inject(json(JSON.stringify({ ...note, text: '['.repeat(5000) + '\\"{' }, null, 0)));
    expect(res.statusCode, res.body).toBe(201);
  });

  it('nesting up to 32 levels is accepted', async () => {
    // The record object is level 1 and detail level 2: 30 more levels inside detail make 32.
    const ok = `{"type":"note","effectiveAt":"2026-03-01T10:00:00Z","text":"x","detail":{"d":${nested(30)}}}`;
    const res = await t.app.inject(json(ok));
    expect(res.statusCode, res.body).toBe(201);
    const tooDeep = `{"type":"note","effectiveAt":"2026-03-01T10:00:00Z","text":"x","detail":{"d":${nested(31)}}}`;
    expectProblem(await t.app.inject(json(tooDeep)), 400, 'TESSERA_BAD_JSON');
  });

  it('JSON is UTF-8: another declared charset is a 415, invalid UTF-8 bytes a 400 (were stored as U+FFFD)', async () => {
    expectProblem(await t.app.inject(json(JSON.stringify(note), 'application/json; charset=latin1')), 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await t.app.inject(json(JSON.stringify(note), 'application/json; charset=utf-16')), 415, 'TESSERA_UNSUPPORTED_MEDIA_TYPE');
    const latin1 = Buffer.from(JSON.stringify({ ...note, text: 'café' }), 'latin1');
    expectProblem(await t.app.inject(json(latin1)), 400, 'TESSERA_BAD_JSON');
    for (const ct of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"', 'application/json; foo', 'Application/JSON']) {
      const res = await t.app.inject(json(JSON.stringify({ ...note, text: 'café ☕' }), ct));
      expect(res.statusCode, `${ct}: ${res.body}`).toBe(201);
      expect(res.json().text).toBe('café ☕');
    }
  });

  it('a URL that does not percent-decode is a 400 problem (was Fastify JSON)', async () => {
    for (const url of ['/v1/me/records/%', '/v1/me/records/%E0%A4%A', '/v1/subjects/%zz/records']) {
      const body = expectProblem(await t.app.inject({ method: 'GET', url, headers: bearer(alice.token) }), 400, 'TESSERA_BAD_REQUEST');
      expect(body.detail).toMatch(/percent-encoded/);
    }
  });

  it('a path segment over 100 characters is a 400 problem (was a 414 in Fastify JSON)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/v1/me/records/${'a'.repeat(101)}`, headers: bearer(alice.token) });
    expectProblem(res, 400, 'TESSERA_BAD_REQUEST');
    const head = await t.app.inject({ method: 'HEAD', url: `/v1/me/records/${'a'.repeat(5000)}`, headers: bearer(alice.token) });
    expect(head.statusCode).toBe(400);
    expect(head.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each([
    // The 400s were 500s: a problem body failed the routes' RFC 6749 response schema.
    ['malformed JSON (was a 500)', 'application/json', '{"grant_type":', 400],
    ['constructor poisoning (was a 500)', 'application/json', '{"constructor":{"prototype":{"x":1}}}', 400],
    ['an empty JSON body (was a 500)', 'application/json', '', 400],
    ['JSON nested 10,000 deep', 'application/json', '['.repeat(10_000) + ']'.repeat(10_000), 400],
    ['text/plain (was problem+json)', 'text/plain', 'grant_type=password', 415],
    ['a body over 1 MiB (was problem+json)', 'application/x-www-form-urlencoded', 'password=' + 'x'.repeat(1024 * 1024 + 1), 413],
  ])('the token endpoints answer RFC 6749 JSON for %s', async (_why, contentType, payload, status) => {
    for (const url of ['/v1/token', '/v1/token/revoke']) {
      const res = await t.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    }
  });

  it('HEAD on a GET route answers its headers; OPTIONS and unknown methods are a 404 problem', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: '/v1/me/records', headers: bearer(alice.token) });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    expect(head.headers['cache-control']).toMatch(/no-store/);
    const anonymous = await t.app.inject({ method: 'HEAD', url: '/v1/me/records' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    for (const method of ['OPTIONS', 'TRACE', 'PROPFIND'] as const) {
      expectProblem(await t.app.inject({ method: method as 'OPTIONS', url: '/v1/me/records', headers: bearer(alice.token) }), 404, 'TESSERA_NOT_FOUND');
    }
  });
});

describe('what Node refuses before a route runs is problem+json too (real socket)', () => {
  let served: TestApp & { url: string };
  beforeAll(async () => {
    served = await buildListeningTestApp();
  });
  afterAll(() => served.close());

  /** Writes raw bytes and reads until the server closes (or 5 s pass). */
  function raw(text: string): Promise<{ status: number; headers: string; body: string }> {
    const { port, hostname } = new URL(served.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname);
      let out = '';
      const timer = setTimeout(() => socket.destroy(), 5000);
      socket.on('data', (d: Buffer) => (out += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => {
        clearTimeout(timer);
        const [head = '', body = ''] = out.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body });
      });
      socket.write(text);
    });
  }

  it.each([
    ['headers over 16 KiB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 431, 'TESSERA_HEADERS_TOO_LARGE'],
    ['a malformed request line', 'GARBAGE\r\n\r\n', 400, 'TESSERA_BAD_REQUEST'],
    ['two different Content-Lengths', 'POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, 'TESSERA_BAD_REQUEST'],
    ['Content-Length with Transfer-Encoding', 'POST /v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'TESSERA_BAD_REQUEST'],
    ['a NUL in a header', 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n', 400, 'TESSERA_BAD_REQUEST'],
    ['HTTP/1.1 without Host (was an empty 400)', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'TESSERA_BAD_REQUEST'],
    ['a URL that does not decode', 'GET /v1/me/records/% HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 400, 'TESSERA_BAD_REQUEST'],
  ])('%s', async (_why, text, status, code) => {
    const res = await raw(text);
    expect(res.status, res.headers).toBe(status);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/);
    expect(JSON.parse(res.body)).toMatchObject({ status, code, title: (errorCodes as Record<string, { title: string }>)[code]!.title });
  });

  it('the service keeps answering after all of that', async () => {
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
  });
});

describe('headers', () => {
  it('sets security headers on API answers', async () => {
    for (const url of ['/healthz', '/v1/catalogue/types', '/v1/nowhere']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(res.headers['x-frame-options']).toBeDefined();
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    }
    // The same on a POST that fails, and on one that succeeds.
    for (const res of [
      await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(alice.token), payload: {} }),
      await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(alice.token), payload: { type: 'note', effectiveAt: new Date().toISOString(), text: 'x' } }),
    ]) {
      expect(res.headers['x-content-type-options'], res.body).toBe('nosniff');
      expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    }
  });

  it('personal data is never cacheable', async () => {
    const own = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(alice.token) });
    expect(own.headers['cache-control']).toBe('no-store');
    const me = await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(alice.token) });
    expect(me.headers['cache-control']).toBe('no-store');
    const err = await t.app.inject({ method: 'GET', url: '/v1/me/records/00000000-0000-4000-8000-000000000000', headers: bearer(alice.token) });
    expect(err.headers['cache-control']).toBe('no-store');
  });

  it('/healthz answers 200 ok', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });
});

describe('API description', () => {
  const corePaths: Record<string, string[]> = {
    '/healthz': ['get'],
    '/.well-known/jwks.json': ['get'],
    '/v1/catalogue/categories': ['get'],
    '/v1/catalogue/types': ['get'],
    '/v1/accounts': ['post'],
    '/v1/token': ['post'],
    '/v1/token/revoke': ['post'],
    '/v1/me': ['get'],
    '/v1/me/records': ['get', 'post'],
    '/v1/me/records/{id}': ['get', 'delete'],
  };

  /** Core operations that take a body (others, like a bare approve or deny, may take none). */
  const takesBody = ['POST /v1/accounts', 'POST /v1/token', 'POST /v1/token/revoke', 'POST /v1/me/records'];

  interface Operation {
    parameters?: { in: string; name: string; schema?: object }[];
    requestBody?: { content: Record<string, { schema?: object }> };
    responses?: Record<string, { content?: Record<string, { schema?: object }>; description?: string }>;
  }

  async function spec(): Promise<{ openapi: string; paths: Record<string, Record<string, Operation>> }> {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    return res.json();
  }

  it('is OpenAPI 3.1 and lists every core path of docs/api.md', async () => {
    const doc = await spec();
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const [p, methods] of Object.entries(corePaths)) {
      expect(doc.paths, p).toHaveProperty([p]);
      for (const m of methods) expect(doc.paths[p], `${m} ${p}`).toHaveProperty([m]);
    }
  });

  it('gives every operation a response schema, and body, path and query schemas where it takes them', async () => {
    const doc = await spec();
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${p}`;
        const success = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
        expect(success.length, `${where} has no 2xx response`).toBeGreaterThan(0);
        for (const [code, r] of success) {
          if (code === '204') continue;
          // Bulk Data's in-progress status is a 202 with no body (FHIR Bulk Data IG, "Status Request").
          if (code === '202' && method === 'get' && p === '/fhir/r4/bulk/{id}') continue;
          const schemas = Object.values(r.content ?? {}).map((c) => c.schema);
          expect(schemas.length, `${where} ${code} has no schema`).toBeGreaterThan(0);
          for (const s of schemas) expect(s, `${where} ${code}`).toBeTruthy();
        }
        const pathParams = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        for (const name of pathParams) {
          const param = op.parameters?.find((x) => x.in === 'path' && x.name === name);
          expect(param?.schema, `${where} path ${name}`).toBeTruthy();
        }
        const bodies = Object.values(op.requestBody?.content ?? {});
        if (takesBody.includes(where)) expect(bodies.length, `${where} body`).toBeGreaterThan(0);
        for (const b of bodies) expect(b.schema, `${where} body`).toBeTruthy();
      }
    }
    const list = doc.paths['/v1/me/records']!.get!;
    const query = (list.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name).sort();
    expect(query).toEqual(['category', 'cursor', 'from', 'limit', 'to', 'type']);
  });

  it('documents the token endpoint’s form and JSON bodies', async () => {
    const token = (await spec()).paths['/v1/token']!.post!;
    expect(Object.keys(token.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  });

  it('/docs answers HTML', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/docs' });
    if (res.statusCode >= 300 && res.statusCode < 400) res = await t.app.inject({ method: 'GET', url: String(res.headers.location) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/<html/i);
  });
});

describe('docs/errors.md', () => {
  it('lists exactly the codes of src/errors.ts, with their statuses', () => {
    const md = fs.readFileSync(path.join(repoRoot, 'docs/errors.md'), 'utf8');
    const rows = [...md.matchAll(/^\|\s*`(TESSERA_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(errorCodes).sort());
    for (const [code, status] of rows) expect(status, String(code)).toBe((errorCodes as Record<string, { status: number }>)[String(code)]!.status);
  });
});

describe('bad input never yields a 5xx', () => {
  const field = fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue());
  it('random sign-up and token bodies get a 2xx or 4xx', async () => {
    const signUpBody = fc.dictionary(fc.constantFrom('handle', 'password', 'displayName', 'other'), field, { maxKeys: 4 });
    const tokenBody = fc.dictionary(fc.constantFrom('grant_type', 'username', 'password', 'refresh_token', 'client_assertion', 'scope'), field, { maxKeys: 5 });
    await fc.assert(
      fc.asyncProperty(signUpBody, tokenBody, fc.boolean(), async (s, tk, form) => {
        const a = await t.app.inject({ method: 'POST', url: '/v1/accounts', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(s) });
        expect(a.statusCode, `${JSON.stringify(s)} → ${a.body}`).toBeLessThan(500);
        const payload = form
          ? new URLSearchParams(Object.entries(tk).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')])).toString()
          : JSON.stringify(tk);
        const contentType = form ? 'application/x-www-form-urlencoded' : 'application/json';
        const b = await t.app.inject({ method: 'POST', url: '/v1/token', headers: { 'content-type': contentType }, payload });
        expect(b.statusCode, `${payload} → ${b.body}`).toBeLessThan(500);
        const r = await t.app.inject({ method: 'POST', url: '/v1/token/revoke', headers: { 'content-type': contentType }, payload });
        expect(r.statusCode, `${payload} → ${r.body}`).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
