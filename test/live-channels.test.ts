import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';
import { openSse } from './helpers/sse.js';

/**
 * Every long-lived channel (the SSE stream, webhooks, watches firing) re-checks the session, the
 * account and the grants before each delivery (docs/security.md, "Live channels").
 */

let t: TestApp & { url: string };
let admin: Staff;
let orgId: string;

const phq9Flagged = () => ({ type: 'phq9', effectiveAt: new Date().toISOString(), answers: [1, 1, 1, 1, 1, 1, 1, 1, 2] });
const watchFlag = (who: { token: string }, subjectId: string) =>
  t.app.inject({ method: 'POST', url: `/v1/subjects/${subjectId}/watches`, headers: bearer(who.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
const logActions = async (p: Citizen) =>
  ((await t.app.inject({ method: 'GET', url: '/v1/me/access-log?limit=500', headers: bearer(p.token) })).json().items as { action: string; query: Record<string, unknown> }[]);

beforeAll(async () => {
  t = await buildListeningTestApp();
  admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin);
});
afterAll(() => t.close());

describe('the alert stream', () => {
  it('a disabled practitioner’s open stream closes and receives nothing more, and its watch shows inactive', async () => {
    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { organisationId: orgId }, categories: ['mental-wellbeing'] });
    expect((await watchFlag(gp, p.subjectId)).statusCode).toBe(201);
    const stream = await openSse(`${t.url}/v1/alerts/stream`, gp.token);
    try {
      expect(stream.status).toBe(200);
      const disabled = await t.app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/practitioners/${gp.accountId}/disable`, headers: bearer(admin.token) });
      expect(disabled.statusCode, disabled.body).toBe(200);
      const rec = await addRecord(t.app, p, phq9Flagged());
      expect(await stream.ended(7000)).toBe(true);
      expect(stream.text()).not.toContain(rec.id);
      // The organisation grant still stands, but a disabled account's watch neither fires nor shows active.
      expect((await logActions(p)).filter((e) => e.action === 'alert.raise')).toHaveLength(0);
      const watches = await t.app.inject({ method: 'GET', url: '/v1/me/watches', headers: bearer(p.token) });
      expect(watches.json().items.map((w: { active: boolean }) => w.active)).toEqual([false]);
    } finally {
      await stream.close();
    }
  });

  it('a client whose token is revoked gets nothing more on its open stream, which closes', async () => {
    const client = await createClient(t, admin, orgId);
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { organisationId: orgId }, members: 'clients', categories: ['mental-wellbeing'] } as never);
    expect((await watchFlag(client, p.subjectId)).statusCode).toBe(201);
    const stream = await openSse(`${t.url}/v1/alerts/stream`, client.token);
    try {
      const first = await addRecord(t.app, p, phq9Flagged());
      expect(await stream.waitFor((s) => s.includes(first.id), 2000)).toBe(true);
      const revoke = await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: client.token } });
      expect(revoke.statusCode).toBe(200);
      const second = await addRecord(t.app, p, phq9Flagged());
      expect(await stream.ended(7000)).toBe(true);
      expect(stream.text()).not.toContain(second.id);
      expect(stream.text()).toContain('event: closed');
    } finally {
      await stream.close();
    }
  });

  it('an account may hold at most five streams at once; the sixth is a 429', async () => {
    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const streams = [];
    try {
      for (let i = 0; i < 5; i++) streams.push(await openSse(`${t.url}/v1/alerts/stream`, gp.token));
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
      const sixth = await fetch(`${t.url}/v1/alerts/stream`, { headers: bearer(gp.token) });
      expect(sixth.status).toBe(429);
      expect(sixth.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      await sixth.body?.cancel();
      await streams.pop()!.close();
      // The closed stream's place is free again once the server has seen it go.
      await new Promise((r) => setTimeout(r, 200));
      const again = await openSse(`${t.url}/v1/alerts/stream`, gp.token);
      streams.push(again);
      expect(again.status).toBe(200);
    } finally {
      for (const s of streams) await s.close();
    }
  });
});

describe('change rules', () => {
  it('the previous record of a drop-by rule comes from inside the grant’s window, never before it', async () => {
    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const p = await signUpCitizen(t.app);
    // Severe before the window, mild inside it: a drop of 20 that the grant must not reveal.
    await addRecord(t.app, p, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 2, 0] });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'], from: '2026-03-10' });
    const w = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', field: 'score', op: 'drop-by', threshold: 5 } });
    expect(w.statusCode, w.body).toBe(201);
    await addRecord(t.app, p, { type: 'phq9', effectiveAt: '2026-03-15T10:00:00Z', answers: [0, 0, 0, 0, 0, 0, 0, 1, 0] });
    const feed = (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(gp.token) })).json().items;
    expect(feed).toHaveLength(0);
    // Inside the window the rule works as before.
    await addRecord(t.app, p, { type: 'phq9', effectiveAt: '2026-03-16T10:00:00Z', answers: [3, 3, 3, 3, 0, 0, 0, 0, 0] });
    await addRecord(t.app, p, { type: 'phq9', effectiveAt: '2026-03-17T10:00:00Z', answers: [1, 0, 0, 0, 0, 0, 0, 0, 0] });
    const after = (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(gp.token) })).json().items;
    expect(after).toHaveLength(1);
    expect(after[0].matched).toMatchObject({ previous: 12, value: 1 });
  });
});

describe('organisation grants name their members', () => {
  it('a read grant to an organisation reaches its practitioners, not its systems, unless it says so', async () => {
    const org = await createOrganisation(t.app, admin, 'provider');
    const gp = await createPractitioner(t.app, admin, org, 'gp');
    const client = await createClient(t, admin, org);
    const p = await signUpCitizen(t.app);
    const g = await grant(t.app, p, { grantee: { organisationId: org }, categories: ['mental-wellbeing'] });
    expect((g as unknown as { members: string }).members).toBe('practitioners');
    const payload = JSON.parse(Buffer.from(g.receipt.split('.')[1]!, 'base64url').toString()) as { members: string };
    expect(payload.members).toBe('practitioners');
    const read = (who: { token: string }) => t.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(who.token) });
    expect((await read(gp)).statusCode).toBe(200);
    expect((await read(client)).statusCode).toBe(404);
    await grant(t.app, p, { grantee: { organisationId: org }, members: 'all', categories: ['healthy-living'] } as never);
    expect((await read(client)).statusCode).toBe(200);
    const caseload = await t.app.inject({ method: 'GET', url: '/v1/grants', headers: bearer(client.token) });
    expect(caseload.json().items.map((x: { categories: string[] }) => x.categories)).toEqual([['healthy-living']]);
  });

  it('members is refused on a grant to one account', async () => {
    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const p = await signUpCitizen(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/me/grants',
      headers: bearer(p.token),
      payload: { grantee: { accountId: gp.accountId }, members: 'all', access: 'read', categories: ['goals'], purpose: 'direct-care' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('members');
  });

  it('a new member, and a member disabled, are written in the log of each person the organisation grant reaches', async () => {
    const org = await createOrganisation(t.app, admin);
    const p = await signUpCitizen(t.app);
    const other = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { organisationId: org }, categories: ['goals'] });
    const gp = await createPractitioner(t.app, admin, org, 'gp');
    await createClient(t, admin, org);
    const added = (await logActions(p)).filter((e) => e.action === 'organisation.member-add');
    // The client is not reached by a read grant for practitioners: only the practitioner joined it.
    expect(added.map((e) => e.query)).toEqual([{ organisationId: org, memberAccountId: gp.accountId, memberKind: 'practitioner' }]);
    expect((await logActions(other)).some((e) => e.action.startsWith('organisation.'))).toBe(false);
    await t.app.inject({ method: 'POST', url: `/v1/organisations/${org}/practitioners/${gp.accountId}/disable`, headers: bearer(admin.token) });
    expect((await logActions(p)).filter((e) => e.action === 'organisation.member-remove')).toHaveLength(1);
  });
});

describe('watch limits', () => {
  it('one supporter may hold at most 20 watches on a person (409), and the person’s list pages', async () => {
    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    for (let i = 0; i < 20; i++) {
      const res = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', field: 'score', op: 'ge', threshold: i + 1 } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const over = await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', field: 'score', op: 'ge', threshold: 27 } });
    expect(over.statusCode).toBe(409);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await t.app.inject({ method: 'GET', url: `/v1/me/watches?limit=7${cursor ? `&cursor=${cursor}` : ''}`, headers: bearer(p.token) });
      expect(page.statusCode).toBe(200);
      const body = page.json() as { items: { threshold: number }[]; nextCursor: string | null };
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...body.items.map((w) => w.threshold));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});

describe('webhooks', () => {
  const receivers: http.Server[] = [];
  afterAll(async () => {
    for (const r of receivers) await new Promise((done) => r.close(done));
  });

  /** A local receiver answering each POST with the next status in `statuses` (then 204). */
  async function receiver(statuses: number[] = []) {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        res.writeHead(statuses.shift() ?? 204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    receivers.push(server);
    return { received, port: (server.address() as AddressInfo).port };
  }

  const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  };

  it('refuses URLs to loopback, private, link-local and plain-http hosts, naming url, unless the operator allows the host', async () => {
    const org = await createOrganisation(t.app, admin);
    const put = (url: string) => t.app.inject({ method: 'PUT', url: `/v1/organisations/${org}/webhook`, headers: bearer(admin.token), payload: { url } });
    for (const url of [
      'http://127.0.0.1:9000/hook',
      'https://127.0.0.1/hook',
      'https://localhost/hook',
      'https://10.1.2.3/hook',
      'https://172.16.0.1/hook',
      'https://192.168.1.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hook',
      'https://[::ffff:127.0.0.1]/hook',
      'https://[fd00::1]/hook',
      'https://0.0.0.0/hook',
      'http://93.184.216.34/hook',
      'https://intranet/hook',
    ]) {
      const res = await put(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors[0].field).toBe('url');
    }
    expect((await put('https://93.184.216.34/hook')).statusCode).toBe(200);
    const allowed = await buildTestApp({ env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: 'hooks.internal, 127.0.0.1' } });
    try {
      const a = await createAdmin(allowed);
      const o = await createOrganisation(allowed.app, a);
      for (const url of ['http://127.0.0.1:9000/hook', 'https://hooks.internal/tessera']) {
        const res = await allowed.app.inject({ method: 'PUT', url: `/v1/organisations/${o}/webhook`, headers: bearer(a.token), payload: { url } });
        expect(res.statusCode, url).toBe(200);
      }
    } finally {
      await allowed.close();
    }
  });

  it('consent to one practitioner never sends their alerts to the organisation’s webhook', async () => {
    const { received, port } = await receiver();
    const w = await buildTestApp({ webhookIntervalMs: 30, env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    try {
      const a = await createAdmin(w);
      const org = await createOrganisation(w.app, a);
      await w.app.inject({ method: 'PUT', url: `/v1/organisations/${org}/webhook`, headers: bearer(a.token), payload: { url: `http://127.0.0.1:${port}/hook` } });
      const gp = await createPractitioner(w.app, a, org, 'gp');
      const p = await signUpCitizen(w.app);
      await grant(w.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
      await w.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
      await addRecord(w.app, p, phq9Flagged());
      const feed = (await w.app.inject({ method: 'GET', url: '/v1/alerts', headers: bearer(gp.token) })).json().items;
      expect(feed).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toHaveLength(0);
      expect((await w.app.inject({ method: 'GET', url: `/v1/organisations/${org}/webhook/deliveries`, headers: bearer(a.token) })).json().items).toHaveLength(0);
    } finally {
      await w.close();
    }
  });

  it('a retry after the grant is revoked, or after the record is deleted, is cancelled and never sent', async () => {
    const { received, port } = await receiver([500, 500]);
    const w = await buildTestApp({ webhookIntervalMs: 30, env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    try {
      const a = await createAdmin(w);
      const org = await createOrganisation(w.app, a);
      await w.app.inject({ method: 'PUT', url: `/v1/organisations/${org}/webhook`, headers: bearer(a.token), payload: { url: `http://127.0.0.1:${port}/hook` } });
      const gp = await createPractitioner(w.app, a, org, 'gp');
      const revoked = await signUpCitizen(w.app);
      const deleted = await signUpCitizen(w.app);
      const g = await grant(w.app, revoked, { grantee: { organisationId: org }, categories: ['mental-wellbeing'] });
      await grant(w.app, deleted, { grantee: { organisationId: org }, categories: ['mental-wellbeing'] });
      for (const p of [revoked, deleted]) {
        await w.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
      }
      await addRecord(w.app, revoked, phq9Flagged());
      const rec = await addRecord(w.app, deleted, phq9Flagged());
      expect(await until(() => received.length === 2, 3000)).toBe(true);
      await w.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(revoked.token) });
      await w.app.inject({ method: 'DELETE', url: `/v1/me/records/${rec.id}`, headers: bearer(deleted.token) });
      w.clock.advance(60_000);
      const deliveries = async () =>
        (await w.app.inject({ method: 'GET', url: `/v1/organisations/${org}/webhook/deliveries`, headers: bearer(a.token) })).json().items as { status: string; lastError: string }[];
      expect(await until(async () => (await deliveries()).every((d) => d.status === 'cancelled'), 3000)).toBe(true);
      expect(received).toHaveLength(2);
      expect((await deliveries()).map((d) => d.lastError)).toEqual(['consent no longer covers this alert', 'consent no longer covers this alert']);
    } finally {
      await w.close();
    }
  });

  it('a delivery checks the address it connects to, and reports only "no response" when none came', async () => {
    const { received, port } = await receiver();
    const first = await buildTestApp({ webhookIntervalMs: 30, env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: 'localhost,127.0.0.1' } });
    let w: TestApp = first;
    try {
      const a = await createAdmin(w);
      const org = await createOrganisation(w.app, a);
      await w.app.inject({ method: 'PUT', url: `/v1/organisations/${org}/webhook`, headers: bearer(a.token), payload: { url: `http://localhost:${port}/hook` } });
      const gp = await createPractitioner(w.app, a, org, 'gp');
      const p = await signUpCitizen(w.app);
      await grant(w.app, p, { grantee: { organisationId: org }, categories: ['mental-wellbeing'] });
      await w.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
      // The operator withdraws the exception: the stored URL now resolves only inward.
      await first.app.close();
      first.storage.close();
      w = await buildTestApp({ webhookIntervalMs: 30, dir: first.dir, keysFile: first.keysFile });
      // Tokens from before the restart still hold: same keys, same sessions.
      await addRecord(w.app, p, phq9Flagged());
      const deliveries = async () => (await w.app.inject({ method: 'GET', url: `/v1/organisations/${org}/webhook/deliveries`, headers: bearer(a.token) })).json().items as { attempts: number; lastError: string | null }[];
      expect(await until(async () => (await deliveries())[0]?.attempts === 1, 3000)).toBe(true);
      expect((await deliveries())[0]!.lastError).toBe('no response');
      expect(received).toHaveLength(0);
    } finally {
      await w.close();
    }
  });
});
