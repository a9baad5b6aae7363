import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateStorage, openStorage } from '../../src/storage/index.js';
import type { PostgresStorage } from '../../src/storage/postgres/index.js';
import { repoRoot } from '../helpers/process.js';
import { bearer, signUpCitizen, strongPassword, type Citizen } from '../helpers/actors.js';
import { buildOtherInstance, buildTestApp, type TestApp } from '../helpers/app.js';
import { addRecord, clientAssertion, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Staff } from '../helpers/consent.js';
import { createDatabase, dropDatabase } from '../helpers/postgres-server.js';
import { postgresAdminUrl } from '../helpers/storage.js';

/**
 * Two Tessera instances on one PostgreSQL database, as behind a load balancer: every promise
 * must hold when the next request lands on the other instance (docs/architecture.md "Several
 * instances"). Each instance has its own pool, listener and caches, as separate processes do.
 */

const PUBLIC_URL = 'http://tessera.test';

let a: TestApp;
let b: TestApp;
let admin: Staff;
let orgId: string;
let gp: Staff;

const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
};

const readSlice = (t: TestApp, subjectId: string, token: string) =>
  t.app.inject({ method: 'GET', url: `/v1/subjects/${subjectId}/records`, headers: bearer(token) });

beforeAll(async () => {
  const env = { TESSERA_PUBLIC_URL: PUBLIC_URL, TESSERA_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' };
  a = await buildTestApp({ env, webhookIntervalMs: 50 });
  b = await buildOtherInstance(a, { env, webhookIntervalMs: 50 });
  admin = await createAdmin(a);
  orgId = await createOrganisation(a.app, admin);
  gp = await createPractitioner(a.app, admin, orgId, 'gp');
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('two instances on one PostgreSQL', () => {
  it('a grant made on A is read on B; a revocation on B makes the next read on A a 404', async () => {
    const p = await signUpCitizen(a.app);
    await addRecord(b.app, p, { type: 'phq9', effectiveAt: '2026-03-01T10:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] });
    const g = await grant(a.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    const onB = await readSlice(b, p.subjectId, gp.token);
    expect(onB.statusCode, onB.body).toBe(200);
    expect(onB.json().items).toHaveLength(1);
    const revoked = await b.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(p.token) });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect((await readSlice(a, p.subjectId, gp.token)).statusCode).toBe(404);
    // Both reads and the revocation are in one unbroken chain, whichever instance wrote them.
    const log = await a.app.inject({ method: 'GET', url: '/v1/me/access-log?limit=100', headers: bearer(p.token) });
    const actions = (log.json().items as { action: string }[]).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['grant.create', 'records.read', 'grant.revoke']));
  });

  it('failed logins alternating between A and B are refused at the same count as on one instance', async () => {
    const attempt = (t: TestApp, handle: string, password: string) =>
      t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: handle, password } });
    const failuresUntil429 = async (instances: TestApp[], victim: Citizen) => {
      for (let i = 0; i < 20; i++) {
        const res = await attempt(instances[i % instances.length]!, victim.handle, `wrong guess ${i}`);
        if (res.statusCode === 429) return i;
        expect(res.statusCode).toBe(400);
      }
      return -1;
    };
    const alone = await failuresUntil429([a], await signUpCitizen(a.app));
    const victim = await signUpCitizen(a.app);
    const alternating = await failuresUntil429([a, b], victim);
    expect(alone).toBeGreaterThan(0);
    expect(alternating).toBe(alone);
    // Locked on both, even with the right password.
    expect((await attempt(b, victim.handle, strongPassword)).statusCode).toBe(429);
    expect((await attempt(a, victim.handle, strongPassword)).statusCode).toBe(429);
  });

  it('a write on A raises an alert on an SSE stream held on B within a second', async () => {
    await b.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(b.app.server.address() as AddressInfo).port}`;
    const p = await signUpCitizen(a.app);
    await grant(a.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    const watch = await a.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });
    expect(watch.statusCode, watch.body).toBe(201);

    const controller = new AbortController();
    const res = await fetch(`${url}/v1/alerts/stream`, { headers: { authorization: `Bearer ${gp.token}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    let text = '';
    const reader = res.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await until(() => text.includes('retry:'), 2000);
    const sent = Date.now();
    const rec = await addRecord(a.app, p, { type: 'phq9', effectiveAt: new Date().toISOString(), answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] });
    expect(await until(() => text.includes(rec.id), 1000)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(1000);
    const data = text.split('\n').find((l) => l.startsWith('data: ') && l.includes(rec.id))!;
    expect(JSON.parse(data.slice(6))).toMatchObject({ kind: 'match', recordId: rec.id, matched: { flag: 'self-harm-risk' } });
    controller.abort();
    await reading;
  });

  it('a client assertion used on A is refused when replayed on B', async () => {
    const client = await createClient(a, admin, orgId);
    const assertion = await clientAssertion(client, `${PUBLIC_URL}/v1/token`);
    const body = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    const first = await a.app.inject({ method: 'POST', url: '/v1/token', payload: body });
    expect(first.statusCode, first.body).toBe(200);
    const replay = await b.app.inject({ method: 'POST', url: '/v1/token', payload: body });
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('an erasure on A drops the person’s data key from B’s cache before B serves them again', async () => {
    const p = await signUpCitizen(a.app);
    await addRecord(a.app, p, { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text: 'kept in B’s cache' });
    // B opens (and caches) the key while serving the person.
    expect((await b.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(p.token) })).statusCode).toBe(200);
    await b.deps.dataKeys.forSubject(p.subjectId);
    const erased = await a.app.inject({ method: 'DELETE', url: '/v1/me', headers: bearer(p.token), payload: { password: p.password } });
    expect(erased.statusCode, erased.body).toBe(200);
    expect((await b.app.inject({ method: 'GET', url: '/v1/me/records', headers: bearer(p.token) })).statusCode).toBe(401);
    const dropped = await until(
      () => b.deps.dataKeys.forSubject(p.subjectId).then(
        () => false,
        () => true,
      ),
      1000,
    );
    expect(dropped).toBe(true);
  });

  it('a webhook delivery goes out once although both instances poll the outbox', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const put = await b.app.inject({ method: 'PUT', url: `/v1/organisations/${orgId}/webhook`, headers: bearer(admin.token), payload: { url: hookUrl } });
      expect(put.statusCode, put.body).toBe(200);
      const p = await signUpCitizen(a.app);
      // Webhooks go out only under a grant to the organisation itself.
      await grant(a.app, p, { grantee: { organisationId: orgId }, categories: ['health-status'] });
      await a.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'heart-rate', field: 'value', op: 'gt', threshold: 120 } });
      for (let i = 0; i < 5; i++) await addRecord(i % 2 ? a.app : b.app, p, { type: 'heart-rate', effectiveAt: new Date(Date.now() - i * 1000).toISOString(), value: 150 });
      expect(await until(() => received.length >= 5, 5000)).toBe(true);
      // Several more polls of both workers: nothing goes out twice.
      await new Promise((r) => setTimeout(r, 500));
      expect(received).toHaveLength(5);
      expect(new Set(received).size).toBe(5);
    } finally {
      await new Promise((r) => receiver.close(() => r(undefined)));
    }
  });
});

describe('starting on an empty database', () => {
  it('two instances starting at once both come up, and each migration runs once', async () => {
    const adminUrl = postgresAdminUrl()!;
    const url = await createDatabase(adminUrl);
    try {
      const config = { databaseUrl: url, dbFile: '' };
      const instances = await Promise.all([openStorage(config), openStorage(config)]);
      for (const s of instances) await s.ping();
      const journal = JSON.parse(fs.readFileSync(path.join(repoRoot, 'migrations/postgres/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
      const rows = await (instances[0] as PostgresStorage).db.$client.query('SELECT hash FROM drizzle.__drizzle_migrations');
      expect(rows.rowCount).toBe(journal.entries.length);
      expect(new Set(rows.rows.map((r: { hash: string }) => r.hash)).size).toBe(journal.entries.length);
      const again = await migrateStorage(config);
      expect(again.applied).toBe(0);
      expect(again.where).toContain('***');
      for (const s of instances) await s.close();
    } finally {
      await dropDatabase(adminUrl, url);
    }
  });
});
