import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen } from './helpers/actors.js';
import { buildListeningTestApp, buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant } from './helpers/consent.js';

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
};

describe('alert delivery', () => {
  it('the SSE stream delivers a new alert within a second', async () => {
    const t = await buildListeningTestApp();
    cleanup.push(() => t.close());
    const admin = await createAdmin(t);
    const gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'phq9', flag: 'self-harm-risk' } });

    const controller = new AbortController();
    const res = await fetch(`${t.url}/v1/alerts/stream`, { headers: { authorization: `Bearer ${gp.token}` }, signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    let text = '';
    const reader = res.body!.getReader();
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    const sent = Date.now();
    const rec = await addRecord(t.app, p, { type: 'phq9', effectiveAt: new Date().toISOString(), answers: [0, 0, 0, 0, 0, 0, 0, 0, 2] });
    expect(await until(() => text.includes(rec.id), 1000)).toBe(true);
    expect(Date.now() - sent).toBeLessThan(1000);
    const data = text.split('\n').find((l) => l.startsWith('data: ') && l.includes(rec.id))!;
    expect(JSON.parse(data.slice(6))).toMatchObject({ kind: 'match', recordId: rec.id, matched: { flag: 'self-harm-risk' } });
    controller.abort();
    await reading;
  });

  it('webhook deliveries are signed per Standard Webhooks and retried across a restart', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string; status: number }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        // The first attempt fails, so the delivery must be retried.
        const status = received.length === 0 ? 500 : 204;
        received.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => receiver.close(() => r())));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/tessera`;

    let t: TestApp = await buildTestApp({ webhookIntervalMs: 50, env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    const admin = await createAdmin(t);
    const orgId = await createOrganisation(t.app, admin);
    const put = await t.app.inject({ method: 'PUT', url: `/v1/organisations/${orgId}/webhook`, headers: bearer(admin.token), payload: { url: hookUrl } });
    expect(put.statusCode, put.body).toBe(200);
    const secret = put.json().secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(t.sqlite().db.$client.prepare('SELECT count(*) AS n FROM webhooks WHERE CAST(sealed_secret AS TEXT) LIKE ?').get(`%${secret.slice(6, 20)}%`)).toEqual({ n: 0 });

    const gp = await createPractitioner(t.app, admin, orgId, 'gp');
    const p = await signUpCitizen(t.app);
    // Webhooks carry only what the person consented to share with the organisation itself.
    await grant(t.app, p, { grantee: { organisationId: orgId }, categories: ['health-status'] });
    await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'heart-rate', field: 'value', op: 'gt', threshold: 120 } });
    const rec = await addRecord(t.app, p, { type: 'heart-rate', effectiveAt: new Date().toISOString(), value: 140 });

    expect(await until(() => received.length === 1, 3000)).toBe(true);
    t = await t.restart();
    cleanup.push(() => t.close());
    // The retry is due after the backoff; move the service's clock past it.
    t.clock.advance(60_000);
    expect(await until(() => received.length === 2, 5000)).toBe(true);

    const [first, second] = received;
    expect(first!.headers['webhook-id']).toBe(second!.headers['webhook-id']);
    const payload = new Webhook(secret).verify(second!.body, {
      'webhook-id': String(second!.headers['webhook-id']),
      'webhook-timestamp': String(second!.headers['webhook-timestamp']),
      'webhook-signature': String(second!.headers['webhook-signature']),
    }) as { type: string; data: { recordId: string; matched: Record<string, unknown> } };
    expect(payload.type).toBe('alert.raised');
    expect(payload.data).toMatchObject({ recordId: rec.id, matched: { field: 'value', value: 140 } });
    expect(() => new Webhook(`whsec_${Buffer.alloc(32).toString('base64')}`).verify(second!.body, second!.headers as Record<string, string>)).toThrow();

    const deliveries = await t.app.inject({ method: 'GET', url: `/v1/organisations/${orgId}/webhook/deliveries`, headers: bearer((await createAdmin(t)).token) });
    expect(deliveries.json().items[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });
});
