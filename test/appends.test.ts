import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp;
let alice: Citizen;
let nurse: Staff;

const append = (payload: unknown, key?: string, url = `/v1/subjects/${alice.subjectId}/records`) =>
  t.app.inject({ method: 'POST', url, headers: { ...bearer(nurse.token), ...(key ? { 'idempotency-key': key } : {}) }, payload: payload as object });

const ownCount = async () => (await t.app.inject({ method: 'GET', url: '/v1/me/records?limit=500', headers: bearer(alice.token) })).json().items.length;

const weight = (kg: number, day = 1) => ({ type: 'weight', effectiveAt: `2026-05-${String(day).padStart(2, '0')}T08:00:00Z`, value: kg });

beforeAll(async () => {
  t = await buildTestApp();
  const admin = await createAdmin(t);
  nurse = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'nurse');
  alice = await signUpCitizen(t.app);
  await grant(t.app, alice, { grantee: { accountId: nurse.accountId }, access: 'append', categories: ['health-status'], from: '2026-01-01', to: '2026-12-31' });
});
afterAll(() => t.close());

describe('consented appends', () => {
  it('same Idempotency-Key and body answers the same record and status, storing it once', async () => {
    const before = await ownCount();
    const first = await append(weight(72.4), 'weigh-in-1');
    const second = await append(weight(72.4), 'weigh-in-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await ownCount()).toBe(before + 1);
  });

  it('same key with another body is a 409 and stores nothing', async () => {
    await append(weight(70), 'weigh-in-2');
    const before = await ownCount();
    const res = await append(weight(71), 'weigh-in-2');
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('TESSERA_CONFLICT');
    expect(await ownCount()).toBe(before);
  });

  it('concurrent retries with one key store one record', async () => {
    const before = await ownCount();
    const results = await Promise.all(Array.from({ length: 5 }, () => append(weight(69.9, 9), 'weigh-in-race')));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await ownCount()).toBe(before + 1);
  });

  it('a batch of 500 is stored whole; 501 is refused', async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ type: 'heart-rate', effectiveAt: new Date(Date.UTC(2026, 5, 1, 0, i)).toISOString(), value: 60 + (i % 30) }));
    const ok = await append({ records }, undefined, `/v1/subjects/${alice.subjectId}/records/batch`);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().items).toHaveLength(500);
    const tooMany = await append({ records: [...records, records[0]] }, undefined, `/v1/subjects/${alice.subjectId}/records/batch`);
    expect(tooMany.statusCode).toBe(400);
    const all = await t.app.inject({ method: 'GET', url: `/v1/me/records?type=heart-rate&limit=500`, headers: bearer(alice.token) });
    expect(all.json().items).toHaveLength(500);
    expect(all.json().nextCursor).toBeNull();
  });

  it('a batch is all or nothing: one invalid record names its index and stores nothing', async () => {
    const before = await t.app.inject({ method: 'GET', url: '/v1/me/records?type=bmi', headers: bearer(alice.token) });
    const res = await append(
      { records: [{ type: 'bmi', effectiveAt: '2026-05-02T08:00:00Z', value: 24.1 }, { type: 'bmi', effectiveAt: '2026-05-02T08:00:00Z', value: 24.1, unit: 'kg' }] },
      undefined,
      `/v1/subjects/${alice.subjectId}/records/batch`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('records.1.unit');
    const after = await t.app.inject({ method: 'GET', url: '/v1/me/records?type=bmi', headers: bearer(alice.token) });
    expect(after.json().items).toEqual(before.json().items);
  });

  it('records outside the append grant (category or window) are 403 and store nothing', async () => {
    const before = await ownCount();
    expect((await append({ type: 'note', effectiveAt: '2026-05-02T08:00:00Z', text: 'nurse note' })).statusCode).toBe(403);
    expect((await append({ ...weight(70), effectiveAt: '2025-12-31T08:00:00Z' })).statusCode).toBe(403);
    expect(await ownCount()).toBe(before);
  });

  it('the person sees the append in their own store with its source, and in their log', async () => {
    const res = await append(weight(68.2, 3));
    const rec = (await t.app.inject({ method: 'GET', url: `/v1/me/records/${res.json().id}`, headers: bearer(alice.token) })).json();
    expect(rec.source).toEqual({ kind: 'practitioner', accountId: nurse.accountId, organisationId: nurse.organisationId });
    const log = (await t.app.inject({ method: 'GET', url: '/v1/me/access-log?action=records.append&order=desc&limit=1', headers: bearer(alice.token) })).json();
    expect(log.items[0].recordIds).toEqual([res.json().id]);
  });
});
