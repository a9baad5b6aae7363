import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createStaffAccount } from '../../src/features/accounts/service.js';
import type { TestApp } from './app.js';

export interface Citizen {
  accountId: string;
  subjectId: string;
  handle: string;
  password: string;
  token: string;
  refreshToken: string;
}

export function uniqueHandle(prefix = 'person'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export const strongPassword = 'correct horse battery staple 42';

export async function login(app: FastifyInstance, handle: string, password: string): Promise<{ token: string; refreshToken: string }> {
  const res = await app.inject({ method: 'POST', url: '/v1/token', payload: { grant_type: 'password', username: handle, password } });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  return { token: body.access_token, refreshToken: body.refresh_token };
}

/** Signs up and logs in a new citizen. */
export async function signUpCitizen(app: FastifyInstance, handle = uniqueHandle(), displayName = 'Test Person'): Promise<Citizen> {
  const res = await app.inject({ method: 'POST', url: '/v1/accounts', payload: { handle, password: strongPassword, displayName } });
  expect(res.statusCode, res.body).toBe(201);
  const { accountId, subjectId } = res.json();
  const tokens = await login(app, handle, strongPassword);
  return { accountId, subjectId, handle, password: strongPassword, ...tokens };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface Staff {
  accountId: string;
  handle: string;
  password: string;
  token: string;
  refreshToken: string;
}

/** Creates an operator the way `tessera admin create` does (the service, not HTTP), and logs in. */
export async function createAdmin(t: TestApp, handle = uniqueHandle('admin')): Promise<Staff> {
  const deps = t.deps;
  const account = await createStaffAccount(deps, 'admin', { handle, password: strongPassword, displayName: `Operator ${handle}` });
  const tokens = await login(t.app, handle, strongPassword);
  return { accountId: account.id, handle, password: strongPassword, ...tokens };
}
