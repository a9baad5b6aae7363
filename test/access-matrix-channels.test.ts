import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, grant, type GrantTerms, type Staff } from './helpers/consent.js';
import { openSse, type SseReader } from './helpers/sse.js';

/**
 * The access matrix for the live channels (docs/security.md, "Live channels"): the SSE stream
 * and webhooks, by the grant behind the watch × what changed × which watcher. Each row says what
 * the channel may carry: the alert (with what matched), nothing, or a closed stream; a webhook
 * delivery, none, or one cancelled before it was sent.
 */

type GrantKind = 'account' | 'org-practitioners' | 'org-all' | 'org-clients';
type Change = 'none' | 'revoke-grant' | 'revoke-session' | 'disable' | 'record-elsewhere';
type Watcher = 'practitioner' | 'client';

interface SseRow {
  id: string;
  watcher: Watcher;
  grant: GrantKind;
  change: Change;
  expect: 'delivered' | 'silent' | 'closed' | 'no-watch';
}

interface HookRow {
  id: string;
  watcher: Watcher;
  grant: GrantKind;
  /** What changes between the first, failed attempt and the retry. */
  change: 'none' | 'revoke-grant' | 'delete-record' | 'disable';
  expect: 'delivered' | 'none' | 'cancelled' | 'no-watch';
}

const SSE_ROWS: SseRow[] = [
  { id: 'CH01', watcher: 'practitioner', grant: 'account', change: 'none', expect: 'delivered' },
  { id: 'CH02', watcher: 'practitioner', grant: 'org-practitioners', change: 'none', expect: 'delivered' },
  { id: 'CH03', watcher: 'client', grant: 'org-all', change: 'none', expect: 'delivered' },
  { id: 'CH04', watcher: 'client', grant: 'org-practitioners', change: 'none', expect: 'no-watch' },
  { id: 'CH05', watcher: 'practitioner', grant: 'org-clients', change: 'none', expect: 'no-watch' },
  { id: 'CH06', watcher: 'practitioner', grant: 'account', change: 'revoke-grant', expect: 'silent' },
  { id: 'CH07', watcher: 'practitioner', grant: 'org-practitioners', change: 'revoke-grant', expect: 'silent' },
  { id: 'CH08', watcher: 'practitioner', grant: 'account', change: 'revoke-session', expect: 'closed' },
  { id: 'CH09', watcher: 'client', grant: 'org-all', change: 'revoke-session', expect: 'closed' },
  { id: 'CH10', watcher: 'practitioner', grant: 'org-practitioners', change: 'disable', expect: 'closed' },
  { id: 'CH11', watcher: 'client', grant: 'org-all', change: 'disable', expect: 'closed' },
  { id: 'CH12', watcher: 'practitioner', grant: 'account', change: 'record-elsewhere', expect: 'silent' },
];

const HOOK_ROWS: HookRow[] = [
  { id: 'CH21', watcher: 'practitioner', grant: 'org-practitioners', change: 'none', expect: 'delivered' },
  { id: 'CH22', watcher: 'client', grant: 'org-all', change: 'none', expect: 'delivered' },
  { id: 'CH23', watcher: 'practitioner', grant: 'account', change: 'none', expect: 'none' },
  { id: 'CH24', watcher: 'client', grant: 'org-practitioners', change: 'none', expect: 'no-watch' },
  { id: 'CH25', watcher: 'practitioner', grant: 'org-practitioners', change: 'revoke-grant', expect: 'cancelled' },
  { id: 'CH26', watcher: 'practitioner', grant: 'org-practitioners', change: 'delete-record', expect: 'cancelled' },
  { id: 'CH27', watcher: 'client', grant: 'org-all', change: 'disable', expect: 'cancelled' },
  { id: 'CH28', watcher: 'practitioner', grant: 'org-practitioners', change: 'disable', expect: 'cancelled' },
];

let t: TestApp & { url: string };
let admin: Staff;
let receiver: http.Server;
/** Bodies received by the webhook receiver; the first POST for a record fails (500), later ones pass. */
const received: string[] = [];
const failedOnce = new Set<string>();

const flagged = () => ({ type: 'phq9', effectiveAt: new Date().toISOString(), answers: [1, 1, 1, 1, 1, 1, 1, 1, 2] });

const until = async (check: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
};

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const recordId = (JSON.parse(body) as { data: { recordId: string } }).data.recordId;
      const first = !failedOnce.has(recordId);
      failedOnce.add(recordId);
      if (!first) received.push(body);
      res.writeHead(first ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  t = await buildListeningTestApp({ webhookIntervalMs: 30, env: { TESSERA_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
  admin = await createAdmin(t);
});
afterAll(async () => {
  await t.close();
  await new Promise((r) => receiver.close(r));
});

/** A fresh organisation with a practitioner and a client, a person, and the row's grant. */
async function scene(g: GrantKind, withHook: boolean) {
  const org = await createOrganisation(t.app, admin);
  if (withHook) {
    const port = (receiver.address() as AddressInfo).port;
    const put = await t.app.inject({ method: 'PUT', url: `/v1/organisations/${org}/webhook`, headers: bearer(admin.token), payload: { url: `http://127.0.0.1:${port}/hook` } });
    expect(put.statusCode, put.body).toBe(200);
  }
  const practitioner = await createPractitioner(t.app, admin, org, 'gp');
  const client = await createClient(t, admin, org);
  const p = await signUpCitizen(t.app);
  const terms: GrantTerms =
    g === 'account'
      ? { grantee: { accountId: practitioner.accountId }, categories: ['mental-wellbeing'] }
      : { grantee: { organisationId: org }, members: g === 'org-all' ? 'all' : g === 'org-clients' ? 'clients' : 'practitioners', categories: ['mental-wellbeing'] };
  const made = await grant(t.app, p, terms);
  return { org, practitioner, client, p, grantId: made.id };
}

async function watch(who: { token: string }, p: Citizen): Promise<number> {
  return (await t.app.inject({ method: 'POST', url: `/v1/subjects/${p.subjectId}/watches`, headers: bearer(who.token), payload: { type: 'phq9', flag: 'self-harm-risk' } })).statusCode;
}

const disablePath = (org: string, w: Watcher, id: string) => `/v1/organisations/${org}/${w === 'client' ? 'clients' : 'practitioners'}/${id}/disable`;
const watcherOf = (s: Awaited<ReturnType<typeof scene>>, w: Watcher) =>
  w === 'client' ? { token: s.client.token, accountId: s.client.clientId } : { token: s.practitioner.token, accountId: s.practitioner.accountId };

describe('access matrix: the SSE alert stream', () => {
  for (const row of SSE_ROWS) {
    it(`[${row.id}] ${row.watcher} watching under a ${row.grant} grant, ${row.change} → ${row.expect}`, async () => {
      const s = await scene(row.grant, false);
      const w = watcherOf(s, row.watcher);
      const status = await watch(w, s.p);
      if (row.expect === 'no-watch') {
        expect(status, `[${row.id}] the grant does not reach this watcher`).toBe(404);
        return;
      }
      expect(status, `[${row.id}]`).toBe(201);
      let stream: SseReader | undefined;
      try {
        stream = await openSse(`${t.url}/v1/alerts/stream`, w.token);
        expect(stream.status).toBe(200);
        let target = s.p;
        if (row.change === 'revoke-grant') await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${s.grantId}`, headers: bearer(s.p.token) });
        if (row.change === 'revoke-session') await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: w.token } });
        if (row.change === 'disable') await t.app.inject({ method: 'POST', url: disablePath(s.org, row.watcher, w.accountId), headers: bearer(admin.token) });
        if (row.change === 'record-elsewhere') target = await signUpCitizen(t.app);
        const rec = await addRecord(t.app, target, flagged());
        if (row.expect === 'delivered') {
          expect(await stream.waitFor((x) => x.includes(rec.id), 2000), `[${row.id}] the alert arrives`).toBe(true);
          const data = stream.text().split('\n').find((l) => l.startsWith('data: ') && l.includes(rec.id))!;
          expect(JSON.parse(data.slice(6))).toMatchObject({ recordId: rec.id, matched: { flag: 'self-harm-risk' } });
        } else if (row.expect === 'closed') {
          // Revocation and disabling are seen by the periodic re-check at the latest (every 5 s).
          expect(await stream.ended(7000), `[${row.id}] the stream closes`).toBe(true);
          expect(stream.text()).not.toContain(rec.id);
        } else {
          expect(await stream.waitFor((x) => x.includes(rec.id), 500), `[${row.id}] nothing about the record`).toBe(false);
          expect(await stream.ended(0)).toBe(false);
        }
      } finally {
        await stream?.close();
      }
    });
  }
});

describe('access matrix: webhooks', () => {
  for (const row of HOOK_ROWS) {
    it(`[${row.id}] ${row.watcher} watching under a ${row.grant} grant, ${row.change} before the retry → ${row.expect}`, async () => {
      const s = await scene(row.grant, true);
      const w = watcherOf(s, row.watcher);
      const status = await watch(w, s.p);
      if (row.expect === 'no-watch') {
        expect(status, `[${row.id}] the grant does not reach this watcher`).toBe(404);
        return;
      }
      expect(status, `[${row.id}]`).toBe(201);
      const rec = await addRecord(t.app, s.p, flagged());
      const deliveries = async () =>
        (await t.app.inject({ method: 'GET', url: `/v1/organisations/${s.org}/webhook/deliveries`, headers: bearer(admin.token) })).json().items as {
          status: string;
          attempts: number;
        }[];
      if (row.expect === 'none') {
        await new Promise((r) => setTimeout(r, 300));
        expect(await deliveries(), `[${row.id}] no delivery is ever queued`).toEqual([]);
        expect(failedOnce.has(rec.id)).toBe(false);
        return;
      }
      // The first attempt fails, so the row's change lands between it and the retry.
      expect(await until(() => failedOnce.has(rec.id), 3000), `[${row.id}] the first attempt is made`).toBe(true);
      if (row.change === 'revoke-grant') await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${s.grantId}`, headers: bearer(s.p.token) });
      if (row.change === 'delete-record') await t.app.inject({ method: 'DELETE', url: `/v1/me/records/${rec.id}`, headers: bearer(s.p.token) });
      if (row.change === 'disable') await t.app.inject({ method: 'POST', url: disablePath(s.org, row.watcher, w.accountId), headers: bearer(admin.token) });
      // Past the retry's backoff, then back, so later rows' client assertions stay in date.
      t.clock.advance(60_000);
      try {
        const settled = (want: string) => until(async () => (await deliveries())[0]?.status === want, 3000);
        if (row.expect === 'delivered') {
          expect(await settled('delivered'), `[${row.id}]`).toBe(true);
          expect(received.some((b) => b.includes(rec.id))).toBe(true);
        } else {
          expect(await settled('cancelled'), `[${row.id}]`).toBe(true);
          expect(received.some((b) => b.includes(rec.id)), `[${row.id}] nothing sent after the change`).toBe(false);
        }
      } finally {
        t.clock.advance(-60_000);
      }
    });
  }
});
