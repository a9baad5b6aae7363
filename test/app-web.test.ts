/**
 * The web app over HTTP (app.inject), without a browser: its session cookie goes through the
 * same authentication as tokens, state changes need the service's own Origin, pages carry the
 * strict CSP, and /app stays out of /openapi.json. The browser stories are in test/app/.
 */
import { gzipSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, strongPassword, uniqueHandle } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createAdmin, createOrganisation, createPractitioner, grant } from './helpers/consent.js';

let t: TestApp;
let origin: string;

beforeAll(async () => {
  t = await buildTestApp({ loginLimits: { perPair: 3, perIp: 1000, perHandle: 1000, windowMs: 60_000 } });
  origin = new URL(t.config.publicUrl).origin;
});
afterAll(async () => t.close());

function cookieOf(res: LightMyRequestResponse): string {
  const set = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('tessera_session='));
  expect(set, 'a session cookie').toBeDefined();
  return set!.split(';')[0]!;
}

function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) p.append(k, one);
  return p.toString();
}

async function post(url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url, headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(fields) });
}

async function signUp(): Promise<{ cookie: string; handle: string }> {
  const handle = uniqueHandle('web');
  const res = await post('/app/signup', { handle, password: strongPassword, displayName: 'Web Person' });
  expect(res.statusCode, res.body).toBe(303);
  expect(res.headers.location).toBe('/app/');
  return { cookie: cookieOf(res), handle };
}

describe('web app: sessions', () => {
  it('sign-up sets an HttpOnly, SameSite, Path=/ cookie whose secret the database never holds', async () => {
    const handle = uniqueHandle('web');
    const res = await post('/app/signup', { handle, password: strongPassword, displayName: 'Web Person' });
    expect(res.statusCode, res.body).toBe(303);
    const set = String([res.headers['set-cookie']].flat()[0]);
    expect(set).toMatch(/^tessera_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const secret = set.split(';')[0]!.split('=')[1]!;
    const db = t.sqlite().db.$client;
    const rows = db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    expect(JSON.stringify(rows)).not.toContain(secret);
    const home = await t.app.inject({ method: 'GET', url: '/app/', headers: { cookie: set.split(';')[0]! } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Hello, Web Person');
  });

  it('behind https the cookie is Secure and __Host- prefixed', async () => {
    const https = await buildTestApp({ env: { TESSERA_PUBLIC_URL: 'https://tessera.example' } });
    try {
      const res = await https.app.inject({
        method: 'POST',
        url: '/app/signup',
        headers: { origin: 'https://tessera.example', 'content-type': 'application/x-www-form-urlencoded' },
        payload: form({ handle: uniqueHandle('tls'), password: strongPassword, displayName: 'Secure Person' }),
      });
      expect(res.statusCode, res.body).toBe(303);
      expect(String(res.headers['set-cookie'])).toMatch(/^__Host-tessera_session=[\w-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
      const cookie = String(res.headers['set-cookie']).split(';')[0]!;
      expect((await https.app.inject({ method: 'GET', url: '/app/', headers: { cookie } })).statusCode).toBe(200);
      // The plain name is not read there: a cookie set over http cannot stand in for it.
      expect((await https.app.inject({ method: 'GET', url: '/app/', headers: { cookie: cookie.replace('__Host-', '') } })).statusCode).toBe(303);
    } finally {
      await https.close();
    }
  });

  it('a wrong password is shown next to the field, and the login limiter of the token endpoint binds the form too', async () => {
    const { handle } = await signUp();
    for (let i = 0; i < 3; i++) {
      const res = await post('/app/login', { handle, password: 'not the password at all' });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('The handle or password is not right.');
      expect(res.body).toMatch(/aria-describedby="f-password-error"/);
    }
    const limited = await post('/app/login', { handle, password: strongPassword });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    // The same (handle, IP) pair is refused at the token endpoint as well: one limiter.
    const token = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: handle, password: strongPassword } });
    expect(token.statusCode).toBe(429);
  });

  it('sign-up errors from the API are shown next to the field they name', async () => {
    const res = await post('/app/signup', { handle: 'x', password: 'short', displayName: ' ' });
    expect(res.statusCode).toBe(400);
    for (const f of ['handle', 'password', 'displayName']) expect(res.body).toContain(`id="f-${f}-error"`);
  });

  it('logout revokes the session row: the same cookie is refused on the next page load', async () => {
    const { cookie } = await signUp();
    const out = await post('/app/logout', {}, { cookie });
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    const again = await t.app.inject({ method: 'GET', url: '/app/', headers: { cookie } });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/app/login');
  });

  it('the cookie never authenticates the JSON API, and a bearer token never authenticates a page', async () => {
    const { cookie } = await signUp();
    const api = await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } });
    expect(api.statusCode).toBe(401);
    const citizen = await signUpCitizen(t.app);
    const page = await t.app.inject({ method: 'GET', url: '/app/', headers: bearer(citizen.token) });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/app/login');
  });

  it('a disabled practitioner is logged out on the next page load', async () => {
    const admin = await createAdmin(t);
    const org = await createOrganisation(t.app, admin, 'social-prescribing');
    const sam = await createPractitioner(t.app, admin, org);
    const login = await post('/app/login', { handle: sam.handle, password: strongPassword });
    expect(login.headers.location).toBe('/app/people');
    const cookie = cookieOf(login);
    expect((await t.app.inject({ method: 'GET', url: '/app/people', headers: { cookie } })).statusCode).toBe(200);
    const off = await t.app.inject({ method: 'POST', url: `/v1/organisations/${org}/practitioners/${sam.accountId}/disable`, headers: bearer(admin.token) });
    expect(off.statusCode, off.body).toBe(200);
    const next = await t.app.inject({ method: 'GET', url: '/app/people', headers: { cookie } });
    expect(next.statusCode).toBe(303);
  });
});

describe('web app: browser security headers and Origin', () => {
  it('pages answer with the strict CSP and Referrer-Policy: same-origin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/app/login' });
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    // The JSON API keeps its own, stricter policy.
    const api = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(api.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('a state change with a foreign, null or missing Origin is refused with 403 and changes nothing', async () => {
    const { cookie } = await signUp();
    for (const bad of ['https://evil.example', 'null', undefined]) {
      const headers: Record<string, string> = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
      if (bad) headers.origin = bad;
      const res = await t.app.inject({ method: 'POST', url: '/app/logout', headers, payload: '' });
      expect(res.statusCode, String(bad)).toBe(403);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
    expect((await t.app.inject({ method: 'GET', url: '/app/', headers: { cookie } })).statusCode).toBe(200);
    const login = await t.app.inject({ method: 'POST', url: '/app/login', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'handle=a&password=b' });
    expect(login.statusCode).toBe(403);
  });

  it('/openapi.json lists no /app route: the access matrix covers the JSON API, app routes are tested here and in test/app/', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/app'))).toEqual([]);
  });

  it('the JSON API still refuses form bodies', async () => {
    const c = await signUpCitizen(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: { ...bearer(c.token), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'type=note' });
    expect(res.statusCode).toBe(415);
  });
});

describe('web app: pages are views of the API services', () => {
  it('a record added by form is in GET /v1/me/records, scored as the API scores it; errors name their field', async () => {
    const { cookie, handle } = await signUp();
    const answers = Object.fromEntries([3, 4, 3, 4, 3, 4, 3].map((v, i) => [`answers.${i}`, String(v)]));
    const bad = await post('/app/records/new?type=swemwbs', { effectiveAt: '2026-03-01T10:00', tzOffset: '0', ...answers, 'answers.2': '' }, { cookie });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-answers-2-error"');
    const ok = await post('/app/records/new?type=swemwbs', { effectiveAt: '2026-03-01T10:00', tzOffset: '-60', ...answers }, { cookie });
    expect(ok.statusCode, ok.body).toBe(303);
    const goal = await post('/app/records/new?type=goal', { effectiveAt: '2026-03-01T10:05', tzOffset: '0', text: 'Walk to the allotment', progress: '3' }, { cookie });
    expect(goal.statusCode, goal.body).toBe(303);
    const tokens = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: handle, password: strongPassword } });
    const list = await t.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(tokens.json().access_token) });
    const items = list.json().items as { type: string; score?: number; effectiveAt: string; progress?: number }[];
    expect(items.find((r) => r.type === 'swemwbs')).toMatchObject({ score: 21.54, effectiveAt: '2026-03-01T09:00:00.000Z' });
    expect(items.find((r) => r.type === 'goal')).toMatchObject({ progress: 3 });
    const home = await t.app.inject({ method: 'GET', url: '/app/', headers: { cookie } });
    expect(home.body).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="chart-swemwbs-title chart-swemwbs-desc"/);
    expect(home.body).toContain('Short Warwick–Edinburgh Mental Wellbeing Scale (SWEMWBS): change over time');
    expect(home.body).toContain('Walk to the allotment');
    const measure = await post('/app/records/new?type=blood-glucose', { effectiveAt: '', value: '900', unit: 'mmol/L' }, { cookie });
    expect(measure.statusCode).toBe(400);
    expect(measure.body).toMatch(/id="f-value-error">must be between/);
  });

  it('user text is escaped, never markup', async () => {
    const { cookie } = await signUp();
    const res = await post('/app/records/new?type=note', { effectiveAt: '', text: '<script>alert(1)</script><img src=x onerror=alert(2)>' }, { cookie });
    expect(res.statusCode).toBe(303);
    const page = await t.app.inject({ method: 'GET', url: '/app/records', headers: { cookie } });
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script>alert(1)&lt;/script>&lt;img src=x onerror=alert(2)>');
  });

  it('a supporter page is a view of the slice: 404 page without a grant, exactly the slice with one, logged as a read', async () => {
    const admin = await createAdmin(t);
    const org = await createOrganisation(t.app, admin, 'social-prescribing');
    const sam = await createPractitioner(t.app, admin, org);
    const person = await signUpCitizen(t.app);
    for (const [type, body] of [
      ['swemwbs', { answers: [3, 4, 3, 4, 3, 4, 3] }],
      ['phq9', { answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] }],
    ] as const) {
      const r = await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(person.token), payload: { type, effectiveAt: '2026-03-01T10:00:00Z', ...body } });
      expect(r.statusCode, r.body).toBe(201);
    }
    const login = await post('/app/login', { handle: sam.handle, password: strongPassword });
    const cookie = cookieOf(login);
    const before = await t.app.inject({ method: 'GET', url: `/app/people/${person.subjectId}`, headers: { cookie } });
    expect(before.statusCode).toBe(404);
    expect(before.body).toContain('No access');
    const g = await grant(t.app, person, { grantee: { accountId: sam.accountId }, access: 'read', categories: ['mental-wellbeing'], types: ['swemwbs'], purpose: 'social-prescribing' });
    const page = await t.app.inject({ method: 'GET', url: `/app/people/${person.subjectId}`, headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('SWEMWBS');
    expect(page.body).not.toContain('PHQ-9)');
    const log = await t.app.inject({ method: 'GET', url: '/v1/me/access-log?order=desc&limit=1', headers: bearer(person.token) });
    expect(log.json().items[0]).toMatchObject({ action: 'records.read', actor: { accountId: sam.accountId }, grantIds: [g.id] });
    await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(person.token) });
    const after = await t.app.inject({ method: 'GET', url: `/app/people/${person.subjectId}`, headers: { cookie } });
    expect(after.statusCode).toBe(404);
  });

  it('unknown /app paths are an HTML 404 page, and the script and stylesheet are served from the origin', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/app/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const js = await t.app.inject({ method: 'GET', url: '/app/assets/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const css = await t.app.inject({ method: 'GET', url: '/app/assets/app.css' });
    expect(css.statusCode).toBe(200);
  });

  it('every page loads the one same-origin script, far inside the 150 KB compressed budget', async () => {
    const { cookie } = await signUp();
    const scripts = new Set<string>();
    for (const url of ['/app/login', '/app/signup', '/app/', '/app/records', '/app/records/new?type=phq9', '/app/records/new?type=support-feedback', '/app/sharing', '/app/access-log', '/app/account']) {
      const page = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.body, url).not.toMatch(/\son[a-z]+=/);
      expect(page.body, url).not.toMatch(/\sstyle=/);
      for (const m of page.body.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) scripts.add(m[1]!);
    }
    expect([...scripts]).toEqual(['/app/assets/app.js']);
    const js = await t.app.inject({ method: 'GET', url: '/app/assets/app.js' });
    const compressed = gzipSync(js.rawPayload, { level: 9 }).length;
    expect(compressed).toBeLessThan(150 * 1024);
    expect(compressed).toBeLessThan(4 * 1024);
  });
});
