import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { expect } from 'vitest';
import { createStaffAccount } from '../../src/features/accounts/service.js';
import { bearer, login, strongPassword, uniqueHandle, type Citizen } from './actors.js';
import type { TestApp } from './app.js';

export interface Staff {
  accountId: string;
  organisationId: string | null;
  handle: string;
  token: string;
}

export interface Client {
  clientId: string;
  organisationId: string;
  privateKey: CryptoKey;
  jwk: JWK;
  token: string;
}

/** The first operator, created the way `tessera admin create` does. */
export async function createAdmin(t: TestApp): Promise<Staff> {
  const handle = uniqueHandle('admin');
  const deps = t.deps;
  const a = await createStaffAccount(deps, 'admin', { handle, password: strongPassword, displayName: 'Operator' });
  return { accountId: a.id, organisationId: null, handle, token: (await login(t.app, handle, strongPassword)).token };
}

export async function createOrganisation(app: FastifyInstance, admin: Staff, kind = 'gp-practice', name = `Org ${randomUUID().slice(0, 8)}`): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/v1/organisations', headers: bearer(admin.token), payload: { name, kind } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

export async function createPractitioner(app: FastifyInstance, admin: Staff, organisationId: string, role = 'link-worker'): Promise<Staff> {
  const handle = uniqueHandle(role);
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${organisationId}/practitioners`,
    headers: bearer(admin.token),
    payload: { handle, password: strongPassword, displayName: `Practitioner ${handle}`, role },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { accountId: res.json().accountId, organisationId, handle, token: (await login(app, handle, strongPassword)).token };
}

/** Signs a private_key_jwt client assertion (RFC 7523). */
export async function clientAssertion(
  c: { clientId: string; privateKey: CryptoKey; kid?: string },
  audience: string,
  options: { alg?: string; expiresIn?: string; jti?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: options.alg ?? 'EdDSA', ...(c.kid ? { kid: c.kid } : {}) })
    .setIssuer(c.clientId)
    .setSubject(c.clientId)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '2m')
    .setJti(options.jti ?? randomUUID())
    .sign(c.privateKey);
}

export async function clientToken(app: FastifyInstance, audience: string, c: { clientId: string; privateKey: CryptoKey }): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/token',
    payload: {
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(c, audience),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().access_token;
}

/** Registers a provider system with a fresh Ed25519 key and gets it a token. */
export async function createClient(t: TestApp, admin: Staff, organisationId: string): Promise<Client> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
  const res = await t.app.inject({
    method: 'POST',
    url: `/v1/organisations/${organisationId}/clients`,
    headers: bearer(admin.token),
    payload: { name: 'Provider system', jwks: { keys: [jwk] } },
  });
  expect(res.statusCode, res.body).toBe(201);
  const clientId = res.json().clientId;
  return { clientId, organisationId, privateKey, jwk, token: await clientToken(t.app, `${t.config.publicUrl}/v1/token`, { clientId, privateKey }) };
}

export interface GrantTerms {
  grantee: { accountId: string } | { organisationId: string };
  members?: 'practitioners' | 'clients' | 'all';
  access?: 'read' | 'append' | 'aggregate';
  categories: string[];
  types?: string[];
  from?: string;
  to?: string;
  purpose?: string;
  purposeText?: string;
  expiresAt?: string;
}

export async function grant(app: FastifyInstance, citizen: Citizen, terms: GrantTerms): Promise<{ id: string; receipt: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/me/grants',
    headers: bearer(citizen.token),
    payload: { access: 'read', purpose: 'direct-care', ...terms },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A supporter (under an append grant) writes a record into the person's store; @returns its id. */
export async function supporterWrites(app: FastifyInstance, staff: { token: string }, subjectId: string, payload: Record<string, unknown>): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/v1/subjects/${subjectId}/records`, headers: bearer(staff.token), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

export async function addRecord(app: FastifyInstance, citizen: Citizen, payload: Record<string, unknown>): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/me/records', headers: bearer(citizen.token), payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
