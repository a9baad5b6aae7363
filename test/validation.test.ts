import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signUpCitizen, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { createAdmin, createOrganisation, createPractitioner, grant, type Staff } from './helpers/consent.js';

/**
 * What a 400 tells a newcomer (issue #18 item 8): enum fields list their allowed values, the
 * grantee's shapes are spelled out, a bodiless erase says what to send, and every problem of a
 * body comes back in one answer. The mapping lives in one place (plugins/errors.ts), so these
 * checks go across routes.
 */

let t: TestApp;
let admin: Staff;
let org: string;
let gp: Staff;
let alex: Citizen;

beforeAll(async () => {
  t = await buildTestApp();
  admin = await createAdmin(t);
  org = await createOrganisation(t.app, admin);
  gp = await createPractitioner(t.app, admin, org, 'gp');
  alex = await signUpCitizen(t.app);
  await grant(t.app, alex, { grantee: { accountId: gp.accountId }, categories: ['mental-wellbeing'] });
});
afterAll(() => t.close());

interface Problem {
  code: string;
  detail: string;
  errors: { field: string; in: string; detail: string }[];
}

async function problem(method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object): Promise<Problem> {
  const res = await t.app.inject({ method, url, headers: bearer(token), ...(payload ? { payload } : {}) });
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json();
}

function detailOf(p: Problem, field: string): string {
  const e = p.errors.find((x) => x.field === field);
  expect(e, `an error on ${field} in ${JSON.stringify(p.errors)}`).toBeDefined();
  return e!.detail;
}

describe('enum fields list what they allow', () => {
  it('a grant with a bad purpose, access and grantee: all three in one answer, each once', async () => {
    const p = await problem('POST', '/v1/me/grants', alex.token, {
      grantee: { handle: 'sam' },
      access: 'write',
      categories: ['goals'],
      purpose: 'fun',
    });
    expect(p.errors.map((e) => e.field).sort()).toEqual(['access', 'grantee', 'purpose']);
    expect(detailOf(p, 'access')).toBe('must be one of read, append, aggregate (got "write")');
    expect(detailOf(p, 'purpose')).toMatch(/^must be one of direct-care, social-prescribing, care-coordination, .*other \(got "fun"\)$/);
    expect(detailOf(p, 'grantee')).toBe('must be one of {"accountId"}, {"organisationId"}');
    expect(p.detail).toContain('access');
  });

  it('a grantee that names one shape but gets its field wrong is told about that field', async () => {
    const p = await problem('POST', '/v1/me/grants/preview', alex.token, { grantee: { accountId: 'not-an-id' }, access: 'read', categories: ['goals'], purpose: 'direct-care' });
    expect(p.errors).toEqual([{ field: 'grantee.accountId', pointer: '/grantee/accountId', in: 'body', detail: expect.stringMatching(/^must be a UUID/) }]);
  });

  it('an access request with an unknown access', async () => {
    const p = await problem('POST', `/v1/subjects/${alex.subjectId}/access-requests`, gp.token, { access: 'all', categories: ['goals'], purpose: 'direct-care' });
    expect(detailOf(p, 'access')).toBe('must be one of read, append (got "all")');
  });

  it('a watch with an unknown op', async () => {
    const p = await problem('POST', `/v1/subjects/${alex.subjectId}/watches`, gp.token, { type: 'phq9', field: 'score', op: '>=', threshold: 20 });
    expect(detailOf(p, 'op')).toBe('must be one of lt, le, gt, ge, drop-by, rise-by (got ">=")');
  });

  it('an organisation kind and a practitioner role', async () => {
    const kind = await problem('POST', '/v1/organisations', admin.token, { name: 'Riverside', kind: 'charity' });
    expect(detailOf(kind, 'kind')).toMatch(/^must be one of gp-practice, social-prescribing, provider, other/);
    const role = await problem('POST', `/v1/organisations/${org}/practitioners`, admin.token, {
      handle: 'sam.x',
      password: 'a long passphrase of my own',
      displayName: 'Sam',
      role: 'doctor',
    });
    expect(detailOf(role, 'role')).toMatch(/^must be one of gp, nurse, link-worker, social-worker, coach, .*\(got "doctor"\)$/);
  });

  it.each([
    ['/v1/me/grants?status=live', 'active, expired, revoked'],
    ['/v1/me/access-requests?status=open', 'pending, approved, denied'],
    ['/v1/me/access-log?order=newest', 'asc, desc'],
  ])('a status or order filter: %s', async (url, allowed) => {
    const p = await problem('GET', url, alex.token);
    const e = p.errors[0]!;
    expect(e.in).toBe('query');
    expect(e.detail).toContain(`must be one of ${allowed}`);
  });

  it('a status filter on the supporter side', async () => {
    const p = await problem('GET', '/v1/grants?status=current', gp.token);
    expect(detailOf(p, 'status')).toBe('must be one of active, expired, revoked (got "current")');
  });
});

describe('times, codes and bodies', () => {
  it('a grant expiry without a time zone says to add one', async () => {
    const p = await problem('POST', '/v1/me/grants', alex.token, {
      grantee: { accountId: gp.accountId },
      access: 'read',
      categories: ['goals'],
      purpose: 'direct-care',
      expiresAt: '2026-12-01T10:00:00',
    });
    expect(detailOf(p, 'expiresAt')).toMatch(/add a time zone, e\.g\. Z/);
  });

  it('an unknown category or type in grant terms suggests the nearest codes', async () => {
    const p = await problem('POST', '/v1/me/grants', alex.token, {
      grantee: { accountId: gp.accountId },
      access: 'read',
      categories: ['Mental-Wellbeing'],
      types: ['PHQ-9'],
      purpose: 'direct-care',
    });
    expect(detailOf(p, 'categories.0')).toMatch(/did you mean mental-wellbeing\?/);
    expect(detailOf(p, 'types.0')).toMatch(/did you mean phq9\?/);
  });

  it('an unknown watch type suggests the nearest', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/v1/subjects/${alex.subjectId}/watches`, headers: bearer(gp.token), payload: { type: 'Phq9', flag: 'self-harm-risk' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].detail).toMatch(/did you mean phq9\?/);
  });

  it('DELETE /v1/me without a body says what to send, and erases nothing', async () => {
    const p = await problem('DELETE', '/v1/me', alex.token);
    expect(p.errors).toHaveLength(1);
    expect(p.errors[0]!.detail).toBe('send a JSON object such as {"password": …} (no body was sent)');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: bearer(alex.token) })).statusCode).toBe(200);
  });

  it('a sign-up with several problems reports them all', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle: '', password: 5, nickname: 'x' } });
    expect(res.statusCode).toBe(400);
    const fields = res.json().errors.map((e: { field: string }) => e.field).sort();
    expect(fields).toEqual(['displayName', 'handle', 'nickname', 'password']);
  });
});
