import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildListeningTestApp, type TestApp } from './helpers/app.js';
import { addRecord, createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

let t: TestApp & { url: string };
let alice: Citizen;
let gp: Staff;

beforeAll(async () => {
  t = await buildListeningTestApp();
  const admin = await createAdmin(t);
  gp = await createPractitioner(t.app, admin, await createOrganisation(t.app, admin), 'gp');
  alice = await signUpCitizen(t.app);
  for (let i = 0; i < 20; i++) {
    await addRecord(t.app, alice, { type: 'heart-rate', effectiveAt: new Date(Date.UTC(2026, 2, 1, i)).toISOString(), value: 60 + i });
  }
});
afterAll(() => t.close());

describe('revocation under concurrent reads (real server)', () => {
  it('no request that starts after the revoke has returned sees data through that grant', async () => {
    const g = await grant(t.app, alice, { grantee: { accountId: gp.accountId }, categories: ['health-status'] });
    const seen: { start: number; status: number; items: number }[] = [];
    let revokedAt = Infinity;
    let stop = false;
    const reader = async () => {
      // Bounded: each reader stops after the revoke plus a tail, or after 400 requests.
      for (let n = 0; n < 2000 && !stop; n++) {
        const start = performance.now();
        const res = await fetch(`${t.url}/v1/subjects/${alice.subjectId}/records`, { headers: { authorization: `Bearer ${gp.token}` } });
        const body = (await res.json()) as { items?: unknown[] };
        seen.push({ start, status: res.status, items: body.items?.length ?? 0 });
      }
    };
    const readers = Array.from({ length: 6 }, reader);
    await new Promise((r) => setTimeout(r, 150));
    const res = await fetch(`${t.url}/v1/me/grants/${g.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    revokedAt = performance.now();
    expect(res.status).toBe(200);
    // Keep reading until enough requests have started after the revoke (bounded, for loaded machines).
    for (let waited = 0; waited < 10_000 && seen.filter((x) => x.start > revokedAt).length < 20; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    stop = true;
    await Promise.all(readers);

    const before = seen.filter((s) => s.start < revokedAt);
    const after = seen.filter((s) => s.start > revokedAt);
    expect(before.some((s) => s.status === 200 && s.items === 20)).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((s) => s.status !== 404)).toEqual([]);
  });
});
