import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeps } from '../src/compose.js';
import { newKek } from '../src/crypto/keyring.js';
import { backfillMacs } from '../src/features/keys/remac.js';
import { rewrapAll } from '../src/features/keys/rewrap.js';
import { bearer, login, signUpCitizen, strongPassword, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/**
 * Edits to the database behind the service's back are refused, not obeyed (docs/security.md,
 * "Integrity of stored rows"): a record's provenance is bound into its ciphertext, and the
 * columns of accounts, sessions and grants that decide access carry a MAC.
 */

let t: TestApp;
let admin: Staff;
let orgA: string;
let orgB: string;

const sql = () => t.sqlite().db.$client;
const get = (token: string, url: string) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

function expectIntegrity(res: { statusCode: number; json(): unknown; headers: Record<string, unknown> }): void {
  expect(res.statusCode).toBe(500);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ code: 'TESSERA_INTEGRITY' });
}

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createAdmin(t);
  orgA = await createOrganisation(t.app, admin);
  orgB = await createOrganisation(t.app, admin);
});
afterAll(() => t.close());

describe('records', () => {
  it('re-attributing or re-dating an appended record, or downgrading its layout, fails its check', async () => {
    const gp = await createPractitioner(t.app, admin, orgA, 'gp');
    const p = await signUpCitizen(t.app);
    await grant(t.app, p, { grantee: { accountId: gp.accountId }, access: 'append', categories: ['health-status'] });
    const made = await t.app.inject({
      method: 'POST',
      url: `/v1/subjects/${p.subjectId}/records`,
      headers: bearer(gp.token),
      payload: { type: 'weight', effectiveAt: '2026-03-01T09:00:00Z', value: 70, unit: 'kg' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id as string;
    const row = sql().prepare('SELECT source_account_id, created_at, schema_version FROM records WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row.schema_version).toBe(2);
    for (const [column, value] of [
      ['source_account_id', p.accountId],
      ['source_kind', 'self'],
      ['source_organisation_id', orgB],
      ['created_at', 1],
      ['schema_version', 1],
    ] as const) {
      const before = (sql().prepare(`SELECT ${column} AS v FROM records WHERE id = ?`).get(id) as { v: unknown }).v;
      sql().prepare(`UPDATE records SET ${column} = ? WHERE id = ?`).run(value, id);
      expectIntegrity(await get(p.token, `/v1/me/records/${id}`));
      sql().prepare(`UPDATE records SET ${column} = ? WHERE id = ?`).run(before, id);
    }
    expect((await get(p.token, `/v1/me/records/${id}`)).statusCode).toBe(200);
  });
});

describe('grants', () => {
  let gp: Staff;
  let p: Citizen;
  let grantId: string;

  beforeAll(async () => {
    gp = await createPractitioner(t.app, admin, orgA, 'gp');
    p = await signUpCitizen(t.app);
    for (const [type, effectiveAt] of [
      ['note', '2026-03-01T10:00:00Z'],
      ['phq9', '2026-03-02T10:00:00Z'],
    ] as const) {
      const body = type === 'note' ? { type, effectiveAt, text: 'a note' } : { type, effectiveAt, answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] };
      expect((await t.app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(p.token), payload: body })).statusCode).toBe(201);
    }
    grantId = (await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['notes'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() })).id;
  });

  it('a grant widened, extended or moved to another grantee in the database is refused, not obeyed', async () => {
    const url = `/v1/subjects/${p.subjectId}/records`;
    expect((await get(gp.token, url)).json().items).toHaveLength(1);
    const other = await createPractitioner(t.app, admin, orgA, 'gp');
    for (const [column, value] of [
      ['categories', '["notes","mental-wellbeing"]'],
      ['expires_at', Date.now() + 365 * 86_400_000],
      ['members', 'all'],
      ['grantee_account_id', other.accountId],
    ] as const) {
      const before = (sql().prepare(`SELECT ${column} AS v FROM grants WHERE id = ?`).get(grantId) as { v: unknown }).v;
      sql().prepare(`UPDATE grants SET ${column} = ? WHERE id = ?`).run(value, grantId);
      const who = column === 'grantee_account_id' ? other : gp;
      const res = await get(who.token, url);
      expectIntegrity(res);
      expect(res.body).not.toContain('phq9');
      sql().prepare(`UPDATE grants SET ${column} = ? WHERE id = ?`).run(before, grantId);
    }
    expect((await get(gp.token, url)).statusCode).toBe(200);
  });

  it('a revoked grant revived by clearing revoked_at is refused (revocation drops its MAC)', async () => {
    const g = await grant(t.app, p, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(p.token) })).statusCode).toBe(200);
    sql().prepare('UPDATE grants SET revoked_at = NULL, revoked_reason = NULL WHERE id = ?').run(g.id);
    expectIntegrity(await get(gp.token, `/v1/subjects/${p.subjectId}/records?category=mental-wellbeing`));
    sql().prepare('DELETE FROM grants WHERE id = ?').run(g.id);
  });
});

describe('accounts and sessions', () => {
  it('a practitioner moved to another organisation in the database is refused', async () => {
    const gp = await createPractitioner(t.app, admin, orgB, 'gp');
    sql().prepare('UPDATE accounts SET organisation_id = ? WHERE id = ?').run(orgA, gp.accountId);
    expectIntegrity(await get(gp.token, '/v1/grants'));
    sql().prepare('UPDATE accounts SET organisation_id = ? WHERE id = ?').run(orgB, gp.accountId);
    expect((await get(gp.token, '/v1/grants')).statusCode).toBe(200);
  });

  it('another account’s password hash copied in lets nobody log in', async () => {
    const alice = await signUpCitizen(t.app);
    const mallory = await signUpCitizen(t.app);
    sql().prepare('UPDATE accounts SET password_hash = (SELECT password_hash FROM accounts WHERE id = ?) WHERE id = ?').run(mallory.accountId, alice.accountId);
    const res = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: alice.handle, password: strongPassword } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('access_token');
  });

  it('a disabled practitioner re-enabled by clearing disabled_at cannot log in', async () => {
    const gp = await createPractitioner(t.app, admin, orgA, 'gp');
    await t.app.inject({ method: 'POST', url: `/v1/organisations/${orgA}/practitioners/${gp.accountId}/disable`, headers: bearer(admin.token) });
    sql().prepare('UPDATE accounts SET disabled_at = NULL WHERE id = ?').run(gp.accountId);
    const res = await t.app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: gp.handle, password: strongPassword } });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('access_token');
  });

  it('a session extended, or revived after revocation, is refused', async () => {
    const c = await signUpCitizen(t.app);
    const sid = JSON.parse(Buffer.from(c.token.split('.')[1]!, 'base64url').toString()).sid as string;
    sql().prepare('UPDATE sessions SET expires_at = expires_at + 1000000 WHERE id = ?').run(sid);
    expectIntegrity(await get(c.token, '/v1/me'));
    sql().prepare('UPDATE sessions SET expires_at = expires_at - 1000000 WHERE id = ?').run(sid);
    expect((await get(c.token, '/v1/me')).statusCode).toBe(200);
    await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: c.refreshToken } });
    expect((await get(c.token, '/v1/me')).statusCode).toBe(401);
    sql().prepare('UPDATE sessions SET revoked_at = NULL WHERE id = ?').run(sid);
    expectIntegrity(await get(c.token, '/v1/me'));
  });
});

describe('MACs across key changes', () => {
  it('a rotation re-makes every live MAC under the new KEK, and the old KEK is no longer needed for them', async () => {
    const local = await buildTestApp();
    try {
      const a = await createAdmin(local);
      const org = await createOrganisation(local.app, a);
      const gp = await createPractitioner(local.app, a, org, 'gp');
      const p = await signUpCitizen(local.app);
      await grant(local.app, p, { grantee: { accountId: gp.accountId }, categories: ['notes'] });
      const oldKek = local.keyring.currentKekId;
      const kek = newKek();
      local.keysFile.keks.push(kek);
      local.keysFile.currentKek = kek.id;
      local.keyring.update(local.keysFile);
      const deps = createDeps(local.config, local.storage, local.keyring, local.clock);
      const done = await rewrapAll(deps);
      expect(done.macs).toBeGreaterThan(0);
      const prefixes = local.sqlite().db.$client
        .prepare(
          "SELECT DISTINCT substr(integrity, 1, instr(integrity, '.') - 1) AS k FROM (SELECT integrity FROM accounts UNION ALL SELECT integrity FROM sessions UNION ALL SELECT integrity FROM grants) WHERE integrity IS NOT NULL",
        )
        .all() as { k: string }[];
      expect(prefixes).toEqual([{ k: kek.id }]);
      expect(await local.storage.keys.kekIdsInUse()).not.toContain(oldKek);
      expect((await local.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(gp.token) })).statusCode).toBe(200);
      expect((await login(local.app, p.handle, strongPassword)).token).toBeTruthy();
    } finally {
      await local.close();
    }
  });

  it('rows from before MACs get them once on first start; an edited MAC is reported, never re-made', async () => {
    const local = await buildTestApp();
    try {
      const a = await createAdmin(local);
      const org = await createOrganisation(local.app, a);
      const gp = await createPractitioner(local.app, a, org, 'gp');
      const p = await signUpCitizen(local.app);
      const g = await grant(local.app, p, { grantee: { accountId: gp.accountId }, categories: ['notes'] });
      const db = local.sqlite().db.$client;
      // As a database from before the upgrade: no MACs, no marker. One grant carries a forged MAC.
      for (const table of ['accounts', 'sessions', 'grants']) db.prepare(`UPDATE ${table} SET integrity = NULL`).run();
      db.prepare('DELETE FROM integrity_backfill').run();
      db.prepare("UPDATE grants SET integrity = ? WHERE id = ?").run("kek-retired.forged", g.id);
      const deps = createDeps(local.config, local.storage, local.keyring, local.clock);
      const first = await backfillMacs(deps);
      expect(first!.remade).toBeGreaterThan(3);
      expect(first!.refused).toEqual([{ table: 'grants', id: g.id }]);
      expect(await backfillMacs(deps)).toBeNull();
      expect((await local.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(p.token) })).statusCode).toBe(200);
      expectIntegrity(await local.app.inject({ method: 'GET', url: `/v1/subjects/${p.subjectId}/records`, headers: bearer(gp.token) }));
    } finally {
      await local.close();
    }
  });
});
