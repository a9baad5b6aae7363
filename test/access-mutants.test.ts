import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import accessPlugin from '../src/plugins/access.js';
import authPlugin from '../src/plugins/auth.js';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/**
 * Authorization on a person's store (src/plugins/access.ts), written to kill mutants the access
 * matrix left alive (docs/mutation.md): the answers' wording, which of the caller's grants a
 * route gets to use, and deny-by-default at boot.
 */

let t: TestApp;
let admin: Staff;
let orgId: string;
let gp: Staff;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createAdmin(t);
  orgId = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, orgId, 'gp');
});
afterAll(() => t.close());

const readRecords = (who: Staff, person: Citizen, query = '') =>
  t.app.inject({ method: 'GET', url: `/v1/subjects/${person.subjectId}/records${query}`, headers: bearer(who.token) });
const append = (who: Staff, person: Citizen, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: `/v1/subjects/${person.subjectId}/records`, headers: bearer(who.token), payload });

describe('answers on a person’s store', () => {
  it('no grant at all: 404 "No such person", the answer for a person who does not exist', async () => {
    const stranger = await signUpCitizen(t.app);
    const res = await readRecords(gp, stranger);
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe('No such person');
    const nobody = await t.app.inject({ method: 'GET', url: '/v1/subjects/00000000-0000-4000-8000-000000000000/records', headers: bearer(gp.token) });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().detail).toBe('No such person');
  });

  it('grants, but none for the access needed: 403 naming the access', async () => {
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['notes'] });
    const read = await readRecords(gp, p);
    expect(read.statusCode).toBe(403);
    expect(read.json().detail).toBe('None of your grants on this person allows read');

    const q = await signUpCitizen(t.app);
    await grant(t.app, q, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['notes'] });
    const write = await append(gp, q, { type: 'note', effectiveAt: '2026-05-01T00:00:00Z', text: 'hello' });
    expect(write.statusCode).toBe(403);
    expect(write.json().detail).toBe('None of your grants on this person allows append');
  });
});

describe('which grants a route uses', () => {
  it('a read uses only read grants: an append grant on another category never widens it', async () => {
    const p = await signUpCitizen(t.app);
    await addRecord(t.app, p, { type: 'note', effectiveAt: '2026-05-01T00:00:00Z', text: 'private' });
    await addRecord(t.app, p, { type: 'steps', effectiveAt: '2026-05-01T00:00:00Z', value: 1000 });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['healthy-living'] });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['notes'] });

    const all = await readRecords(gp, p);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json().items.map((r: { type: string }) => r.type)).toEqual(['steps']);
    expect((await readRecords(gp, p, '?category=notes')).statusCode).toBe(403);
  });

  it('an append uses only append grants: a read grant on another category never widens it', async () => {
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['healthy-living'] });
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'read', categories: ['notes'] });
    expect((await append(gp, p, { type: 'steps', effectiveAt: '2026-05-01T00:00:00Z', value: 10 })).statusCode).toBe(201);
    expect((await append(gp, p, { type: 'note', effectiveAt: '2026-05-01T00:00:00Z', text: 'x' })).statusCode).toBe(403);
  });

  it('routes that need no grant (access requests) pass with none', async () => {
    const p = await signUpCitizen(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/access-requests`,
      headers: bearer(gp.token),
      payload: { access: 'read', categories: ['notes'], purpose: 'direct-care' },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().status).toBe('pending');
  });
});

describe('deny by default', () => {
  async function bareApp() {
    const app = Fastify();
    const deps = t.deps;
    await app.register(authPlugin, deps);
    await app.register(accessPlugin, deps);
    return app;
  }

  it('a route naming a subject that declares no access need stops the service at boot', async () => {
    const app = await bareApp();
    expect(() => app.get('/v1/subjects/:subjectId/forgotten', { config: { auth: ['practitioner'] } }, async () => ({ ok: true }))).toThrow(
      'route GET /v1/subjects/:subjectId/forgotten names a subject but declares no access need: deny by default',
    );
    await app.close();
  });

  it('routes that name no subject need no access declaration', async () => {
    const app = await bareApp();
    app.get('/v1/elsewhere', { config: { auth: 'public' } }, async () => ({ ok: true }));
    expect((await app.inject({ method: 'GET', url: '/v1/elsewhere' })).json()).toEqual({ ok: true });
    await app.close();
  });
});
