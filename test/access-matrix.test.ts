/**
 * The access matrix of the consent engine (CONVENTIONS §7), built as data:
 * - ROUTES lists every route the app serves; a test checks it against /openapi.json, so a new
 *   route fails here until it has a row. Kind rows (401 without or with a bad token, 403 for
 *   account kinds the route is not for, and the allowed kinds' own answer) are generated from it.
 * - SUBJECT_ROWS is actor × grant state × supporter route → exact status, each row with a
 *   stable id. Every 200 read is checked against an independent model of the person's records
 *   and grants: each item lies inside an active read grant, and the ids are exactly the union
 *   of the slices narrowed by the query. Every 404 on a person is compared with the answer for
 *   a person who does not exist; every 202 access request with the one for nobody.
 * - A served read or append adds exactly one entry to the person's access log, naming the caller,
 *   grants it holds and exactly the records served or written; a refused call logs no record.
 * - Every answer in this file is scanned for record ids: none may belong to another person.
 *
 * Statuses are DESIGN.md's ("Status codes that checks rely on"). Rows whose answer differs
 * from DESIGN are listed in KNOWN_MISMATCHES and run in a skipped block until src is fixed.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { decodeJwt, generateKeyPair, importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, login, signUpCitizen, strongPassword, uniqueHandle, type Citizen } from './helpers/actors.js';
import { buildTestApp, type TestApp } from './helpers/app.js';
import {
  addRecord,
  createAdmin,
  createClient,
  createOrganisation,
  createPractitioner,
  grant,
  type Client,
  type GrantTerms,
  type Staff,
} from './helpers/consent.js';

// ---------------------------------------------------------------------------------------------
// Model: what each person holds and has granted, kept by the test, independent of the service.

type Kind = 'citizen' | 'practitioner' | 'client' | 'admin';
type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';

interface ModelRecord {
  id: string;
  category: string;
  type: string;
  effectiveAt: number;
}

interface ModelGrant {
  id: string;
  grantee: { accountId: string } | { organisationId: string };
  access: 'read' | 'append';
  categories: string[];
  types: string[] | null;
  from: number | null;
  to: number | null;
  expiresAt: number;
  revoked: boolean;
}

type PersonName =
  | 'active'
  | 'readOnly'
  | 'appendOnly'
  | 'revoked'
  | 'expired'
  | 'window'
  | 'orgWide'
  | 'otherPerson'
  | 'disabled'
  | 'kindRows'
  | 'appends'
  | 'missing'
  | 'malformed';

interface Person {
  subjectId: string;
  citizen: Citizen | null;
  records: ModelRecord[];
  grants: ModelGrant[];
}

type ActorName =
  | 'owner'
  | 'otherCitizen'
  | 'citizen'
  | 'grantee'
  | 'colleague'
  | 'outsider'
  | 'client'
  | 'admin'
  | 'anonymous'
  | 'badToken'
  | 'expiredToken'
  | 'forgedToken'
  | 'revokedSession'
  | 'disabledPractitioner'
  | 'disabledClient';

interface ActorHandle {
  kind: Kind | null;
  accountId: string | null;
  organisationId: string | null;
  subjectId: string | null;
  headers: Record<string, string>;
}

const DAY = 86_400_000;
/** How far the clock jumps for rows in the `expired` state (the grants there live one hour). */
const EXPIRY_JUMP = 2 * 3600_000;

/** A date-only bound is the start (from) or the last millisecond (to) of that day, UTC (DESIGN). */
function instant(text: string, bound: 'start' | 'end' = 'start'): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return Date.parse(`${text}T00:00:00.000Z`) + (bound === 'end' ? DAY - 1 : 0);
  return Date.parse(text);
}

/** One of every kind of record, inside and outside the windows used below. */
const SEED: Record<string, unknown>[] = [
  { type: 'phq9', effectiveAt: '2025-06-01T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1, 1, 0] },
  { type: 'phq9', effectiveAt: '2026-01-15T09:00:00Z', answers: [2, 2, 1, 1, 1, 1, 1, 1, 0] },
  { type: 'phq9', effectiveAt: '2026-03-01T09:00:00Z', answers: [1, 0, 1, 0, 1, 0, 1, 0, 0] },
  { type: 'gad7', effectiveAt: '2026-02-01T09:00:00Z', answers: [1, 1, 1, 1, 1, 1, 1] },
  { type: 'swemwbs', effectiveAt: '2026-02-10T09:00:00Z', answers: [3, 4, 3, 4, 3, 4, 3] },
  { type: 'heart-rate', effectiveAt: '2025-12-01T09:00:00Z', value: 64 },
  { type: 'heart-rate', effectiveAt: '2026-02-15T09:00:00Z', value: 66 },
  { type: 'heart-rate', effectiveAt: '2026-04-01T09:00:00Z', value: 61 },
  // A heart rate filed under mental-wellbeing: a type grant and a category grant see it differently.
  { type: 'heart-rate', category: 'mental-wellbeing', effectiveAt: '2026-02-16T09:00:00Z', value: 92, detail: { context: 'panic' } },
  { type: 'blood-glucose', effectiveAt: '2026-02-20T09:00:00Z', value: 5.2, unit: 'mmol/L' },
  { type: 'weight', effectiveAt: '2026-03-10T09:00:00Z', value: 72.5 },
  { type: 'steps', effectiveAt: '2026-02-12T09:00:00Z', value: 8000 },
  { type: 'goal', effectiveAt: '2026-02-05T09:00:00Z', text: 'Walk to the park', progress: 4 },
  { type: 'note', effectiveAt: '2026-02-06T09:00:00Z', text: 'A good week' },
  { type: 'ucla3', effectiveAt: '2026-02-07T09:00:00Z', answers: [1, 2, 1] },
];

const heartRate = (effectiveAt = '2026-06-01T08:00:00Z', extra: Record<string, unknown> = {}) => ({ type: 'heart-rate', effectiveAt, value: 70, ...extra });
const phq9 = (effectiveAt = '2026-06-01T08:00:00Z') => ({ type: 'phq9', effectiveAt, answers: [0, 1, 0, 1, 0, 1, 0, 0, 0] });
const requestTerms = { access: 'read', categories: ['mental-wellbeing'], purpose: 'direct-care' };

// ---------------------------------------------------------------------------------------------
// Fixture

let t: TestApp;
let admin: Staff;
let orgA: string;
let orgB: string;
let gp: Staff;
let colleague: Staff;
let outsider: Staff;
let client: Client;
let gpX: Staff;
let clientX: Client;
let spareP: Staff;
let spareC: Client;
const people = {} as Record<PersonName, Person>;
const actors = {} as Record<Exclude<ActorName, 'owner'>, ActorHandle>;
/** Every record id the test knows, with its person: no answer may show one to anyone else. */
const recordOwner = new Map<string, string>();
/** The kind-row citizen's ids that its routes act on. */
const kindIds = { records: [] as string[], grants: [] as string[], requests: [] as string[] };
/** Grants made to gpX and clientX, revoked when they are disabled. */
const disabledGrantIds: string[] = [];

function staffActor(s: Staff, kind: Kind): ActorHandle {
  return { kind, accountId: s.accountId, organisationId: s.organisationId, subjectId: null, headers: bearer(s.token) };
}
function clientActor(c: Client): ActorHandle {
  return { kind: 'client', accountId: c.clientId, organisationId: c.organisationId, subjectId: null, headers: bearer(c.token) };
}
function citizenActor(c: Citizen): ActorHandle {
  return { kind: 'citizen', accountId: c.accountId, organisationId: null, subjectId: c.subjectId, headers: bearer(c.token) };
}

async function newPerson(): Promise<Person> {
  const citizen = await signUpCitizen(t.app);
  const person: Person = { subjectId: citizen.subjectId, citizen, records: [], grants: [] };
  for (const payload of SEED) {
    const r = (await addRecord(t.app, citizen, payload)) as unknown as { id: string; category: string; type: string; effectiveAt: string };
    person.records.push({ id: r.id, category: r.category, type: r.type, effectiveAt: Date.parse(r.effectiveAt) });
    recordOwner.set(r.id, citizen.subjectId);
  }
  return person;
}

async function give(person: Person, terms: GrantTerms): Promise<ModelGrant> {
  const g = (await grant(t.app, person.citizen!, terms)) as unknown as { id: string; expiresAt: string };
  const m: ModelGrant = {
    id: g.id,
    grantee: terms.grantee,
    access: terms.access ?? 'read',
    categories: terms.categories,
    types: terms.types ?? null,
    from: terms.from === undefined ? null : instant(terms.from, 'start'),
    to: terms.to === undefined ? null : instant(terms.to, 'end'),
    expiresAt: terms.expiresAt === undefined ? Date.parse(g.expiresAt) : Date.parse(terms.expiresAt),
    revoked: false,
  };
  person.grants.push(m);
  return m;
}

async function revoke(person: Person, g: ModelGrant): Promise<void> {
  const res = await t.app.inject({ method: 'DELETE', url: `/v1/me/grants/${g.id}`, headers: bearer(person.citizen!.token) });
  expect(res.statusCode, res.body).toBe(200);
  g.revoked = true;
}

/** A token with a real session, signed by the service key, that expired half an hour ago. */
async function expiredToken(s: Staff): Promise<string> {
  const { sid } = decodeJwt(s.token);
  const key = await importPKCS8(t.keyring.signing.privatePem, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid, kind: 'practitioner' })
    .setProtectedHeader({ alg: 'EdDSA', kid: t.keyring.signing.kid })
    .setSubject(s.accountId)
    .setIssuer(t.config.publicUrl)
    .setAudience(t.config.publicUrl)
    .setIssuedAt(now - 3600)
    .setExpirationTime(now - 1800)
    .sign(key);
}

/** A well-formed token for a real session naming the service's kid, signed by someone else's key. */
async function forgedToken(s: Staff): Promise<string> {
  const { sid } = decodeJwt(s.token);
  const { privateKey } = await generateKeyPair('EdDSA');
  return new SignJWT({ sid, kind: 'practitioner' })
    .setProtectedHeader({ alg: 'EdDSA', kid: t.keyring.signing.kid })
    .setSubject(s.accountId)
    .setIssuer(t.config.publicUrl)
    .setAudience(t.config.publicUrl)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(privateKey);
}

beforeAll(async () => {
  t = await buildTestApp({ limits: { accessRequests: 100_000 } });
  admin = await createAdmin(t);
  orgA = await createOrganisation(t.app, admin, 'gp-practice');
  orgB = await createOrganisation(t.app, admin, 'social-prescribing');
  gp = await createPractitioner(t.app, admin, orgA, 'gp');
  colleague = await createPractitioner(t.app, admin, orgA, 'nurse');
  outsider = await createPractitioner(t.app, admin, orgB, 'link-worker');
  client = await createClient(t, admin, orgA);
  gpX = await createPractitioner(t.app, admin, orgA, 'coach');
  clientX = await createClient(t, admin, orgA);
  spareP = await createPractitioner(t.app, admin, orgB, 'other');
  spareC = await createClient(t, admin, orgB);

  for (const name of ['active', 'readOnly', 'appendOnly', 'revoked', 'expired', 'window', 'orgWide', 'otherPerson', 'disabled', 'kindRows', 'appends'] as const) {
    people[name] = await newPerson();
  }
  people.missing = { subjectId: randomUUID(), citizen: null, records: [], grants: [] };
  people.malformed = { subjectId: 'not-a-uuid', citizen: null, records: [], grants: [] };

  const toGp = { accountId: gp.accountId };
  // active: a typed, windowed read grant, a plain read grant and a windowed append grant.
  await give(people.active, { grantee: toGp, categories: ['mental-wellbeing'], types: ['phq9', 'gad7'], from: '2026-01-01', to: '2026-12-31' });
  await give(people.active, { grantee: toGp, categories: ['health-status'] });
  await give(people.active, { grantee: toGp, access: 'append', categories: ['health-status'], from: '2026-01-01', to: '2026-12-31' });
  // readOnly: one read grant narrowed to a type.
  await give(people.readOnly, { grantee: toGp, categories: ['health-status'], types: ['heart-rate'] });
  // appendOnly: append grants to the practitioner and, directly, to the machine client.
  await give(people.appendOnly, { grantee: toGp, access: 'append', categories: ['health-status'] });
  await give(people.appendOnly, { grantee: { accountId: client.clientId }, access: 'append', categories: ['health-status'] });
  // revoked: both grants worked, then were revoked.
  const rRead = await give(people.revoked, { grantee: toGp, categories: ['health-status'] });
  const rAppend = await give(people.revoked, { grantee: toGp, access: 'append', categories: ['health-status'] });
  const before = await t.app.inject({ method: 'GET', url: `/v1/subjects/${people.revoked.subjectId}/records`, headers: bearer(gp.token) });
  expect(before.statusCode, before.body).toBe(200);
  await revoke(people.revoked, rRead);
  await revoke(people.revoked, rAppend);
  // expired: both grants live one hour of the app's clock.
  const inAnHour = new Date(t.clock.now() + 3600_000).toISOString();
  await give(people.expired, { grantee: toGp, categories: ['health-status'], expiresAt: inAnHour });
  await give(people.expired, { grantee: toGp, access: 'append', categories: ['health-status'], expiresAt: inAnHour });
  // window: a read grant whose data window holds none of the records.
  await give(people.window, { grantee: toGp, categories: [...new Set(people.window.records.map((r) => r.category))], from: '2024-01-01', to: '2024-12-31' });
  // orgWide: a read grant to the whole organisation A.
  await give(people.orgWide, { grantee: { organisationId: orgA }, categories: ['health-status', 'mental-wellbeing'] });
  // otherPerson: a grant to the outsider, and a pending request from the practitioner.
  await give(people.otherPerson, { grantee: { accountId: outsider.accountId }, categories: ['notes'] });
  const asked = await t.app.inject({ method: 'POST', url: `/v1/subjects/${people.otherPerson.subjectId}/access-requests`, headers: bearer(gp.token), payload: requestTerms });
  expect(asked.statusCode, asked.body).toBe(202);
  // disabled: grants to a practitioner and a client that the operator will disable.
  for (const g of [
    await give(people.disabled, { grantee: { accountId: gpX.accountId }, categories: ['health-status'] }),
    await give(people.disabled, { grantee: { accountId: gpX.accountId }, access: 'append', categories: ['health-status'] }),
    await give(people.disabled, { grantee: { accountId: clientX.clientId }, categories: ['health-status'] }),
  ]) {
    disabledGrantIds.push(g.id);
  }
  // kindRows: the citizen whose own routes the kind rows act on.
  const lee = people.kindRows;
  kindIds.records.push(lee.records[0]!.id, lee.records[1]!.id);
  for (const categories of [['notes'], ['goals']]) kindIds.grants.push((await give(lee, { grantee: toGp, categories })).id);
  for (let i = 0; i < 2; i++) {
    const res = await t.app.inject({ method: 'POST', url: `/v1/subjects/${lee.subjectId}/access-requests`, headers: bearer(gp.token), payload: requestTerms });
    expect(res.statusCode, res.body).toBe(202);
  }
  const pending = await t.app.inject({ method: 'GET', url: '/v1/me/access-requests', headers: bearer(lee.citizen!.token) });
  kindIds.requests.push(...(pending.json().items as { id: string }[]).map((r) => r.id));
  expect(kindIds.requests).toHaveLength(2);

  actors.citizen = citizenActor(lee.citizen!);
  actors.otherCitizen = citizenActor(people.otherPerson.citizen!);
  actors.grantee = staffActor(gp, 'practitioner');
  actors.colleague = staffActor(colleague, 'practitioner');
  actors.outsider = staffActor(outsider, 'practitioner');
  actors.client = clientActor(client);
  actors.admin = staffActor(admin, 'admin');
  actors.anonymous = { kind: null, accountId: null, organisationId: null, subjectId: null, headers: {} };
  actors.badToken = { ...actors.anonymous, headers: { authorization: 'Bearer not-a-token' } };
  actors.expiredToken = { ...actors.grantee, headers: bearer(await expiredToken(gp)) };
  actors.forgedToken = { ...actors.grantee, headers: bearer(await forgedToken(gp)) };
  const session = await login(t.app, gp.handle, strongPassword);
  const revoked = await t.app.inject({ method: 'POST', url: '/v1/token/revoke', payload: { token: session.refreshToken } });
  expect(revoked.statusCode, revoked.body).toBe(200);
  actors.revokedSession = { ...actors.grantee, headers: bearer(session.token) };
  actors.disabledPractitioner = staffActor(gpX, 'practitioner');
  actors.disabledClient = clientActor(clientX);
});
afterAll(() => t?.close());

// ---------------------------------------------------------------------------------------------
// Oracle and invariants

function holds(g: ModelGrant, a: ActorHandle): boolean {
  if ('accountId' in g.grantee) return g.grantee.accountId === a.accountId;
  return a.organisationId !== null && g.grantee.organisationId === a.organisationId;
}

function activeGrants(p: Person, a: ActorHandle, access: 'read' | 'append', now: number): ModelGrant[] {
  return p.grants.filter((g) => g.access === access && !g.revoked && g.expiresAt > now && holds(g, a));
}

function inSlice(g: ModelGrant, r: ModelRecord): boolean {
  return (
    g.categories.includes(r.category) &&
    (g.types === null || g.types.includes(r.type)) &&
    (g.from === null || r.effectiveAt >= g.from) &&
    (g.to === null || r.effectiveAt <= g.to)
  );
}

function matchesQuery(query: string | undefined, r: ModelRecord): boolean {
  const q = new URLSearchParams(query ?? '');
  const categories = q.getAll('category');
  const types = q.getAll('type');
  const from = q.get('from');
  const to = q.get('to');
  return (
    (categories.length === 0 || categories.includes(r.category)) &&
    (types.length === 0 || types.includes(r.type)) &&
    (from === null || r.effectiveAt >= instant(from, 'start')) &&
    (to === null || r.effectiveAt <= instant(to, 'end'))
  );
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** No answer shows a record id of anyone but the person the request is about. */
function expectNoForeignRecords(res: LightMyRequestResponse, allowedSubject: string | null, label: string): void {
  for (const id of res.body.match(UUID) ?? []) {
    const owner = recordOwner.get(id.toLowerCase());
    if (owner !== undefined) expect(owner, `${label}: answer shows record ${id} of another person`).toBe(allowedSubject);
  }
}

function expectProblem(res: LightMyRequestResponse, label: string): void {
  expect(res.headers['content-type'], label).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body, label).toMatchObject({ status: res.statusCode, type: expect.any(String), title: expect.any(String), detail: expect.any(String), code: expect.any(String), instance: expect.any(String) });
}

function withoutInstance(res: LightMyRequestResponse): Record<string, unknown> {
  const rest = { ...(res.json() as Record<string, unknown>) };
  delete rest.instance;
  return rest;
}

/** Headers but those that change with every call (the date, the caller's rate-limit counter). */
function stableHeaders(res: LightMyRequestResponse): Record<string, unknown> {
  const h: Record<string, unknown> = { ...res.headers };
  for (const k of ['date', 'x-ratelimit-remaining', 'x-ratelimit-reset']) delete h[k];
  return h;
}

interface Call {
  actor: ActorHandle;
  method: Method;
  url: string;
  body?: unknown;
}

async function send(c: Call, label: string): Promise<LightMyRequestResponse> {
  const res = await t.app.inject({ method: c.method, url: c.url, headers: c.actor.headers, ...(c.body === undefined ? {} : { payload: c.body as object }) });
  const onSubject = /^\/v1\/subjects\/([^/?]+)/.exec(c.url)?.[1];
  expectNoForeignRecords(res, onSubject ?? c.actor.subjectId, label);
  if (res.statusCode >= 400 && c.method !== 'HEAD' && !c.url.startsWith('/v1/token')) expectProblem(res, label);
  return res;
}

// ---------------------------------------------------------------------------------------------
// The route table: every route the app serves.

interface RouteSpec {
  id: string;
  method: Method;
  /** As /openapi.json spells it. */
  path: string;
  auth: 'public' | Kind[];
  /** Served but left out of /openapi.json. */
  hidden?: boolean;
  /** The concrete URL the rows call (path parameters filled with the fixture's ids). */
  url?: () => string;
  body?: () => unknown;
  /** Public routes: the answer to a caller with no token. */
  publicStatus?: number;
  /** Allowed kinds: the answer to a representative caller. */
  ok?: { actor: ActorName; status: number }[];
  /** Routes on someone else's store: their rows are SUBJECT_ROWS with this route key. */
  subjectRoute?: SubjectRouteKey;
}

const ROUTES: RouteSpec[] = [
  { id: 'R01', method: 'GET', path: '/healthz', auth: 'public', publicStatus: 200 },
  { id: 'R02', method: 'GET', path: '/.well-known/jwks.json', auth: 'public', publicStatus: 200 },
  { id: 'R03', method: 'GET', path: '/.well-known/oauth-authorization-server', auth: 'public', publicStatus: 200 },
  { id: 'R04', method: 'GET', path: '/openapi.json', auth: 'public', hidden: true, publicStatus: 200 },
  { id: 'R05', method: 'GET', path: '/docs', auth: 'public', hidden: true, publicStatus: 200 },
  { id: 'R06', method: 'GET', path: '/v1/catalogue/categories', auth: 'public', publicStatus: 200 },
  { id: 'R07', method: 'GET', path: '/v1/catalogue/types', auth: 'public', publicStatus: 200 },
  { id: 'R08', method: 'GET', path: '/v1/catalogue/purposes', auth: 'public', publicStatus: 200 },
  {
    id: 'R09',
    method: 'POST',
    path: '/v1/token',
    auth: 'public',
    publicStatus: 200,
    body: () => ({ grant_type: 'password', username: people.kindRows.citizen!.handle, password: strongPassword }),
  },
  { id: 'R10', method: 'POST', path: '/v1/token/revoke', auth: 'public', publicStatus: 200, body: () => ({ token: 'not-a-token' }) },
  {
    id: 'R11',
    method: 'POST',
    path: '/v1/accounts',
    auth: 'public',
    publicStatus: 201,
    body: () => ({ handle: uniqueHandle('signup'), password: strongPassword, displayName: 'New Person' }),
  },
  {
    id: 'R12',
    method: 'GET',
    path: '/v1/me',
    auth: ['citizen', 'practitioner', 'client', 'admin'],
    ok: [
      { actor: 'citizen', status: 200 },
      { actor: 'colleague', status: 200 },
      { actor: 'client', status: 200 },
      { actor: 'admin', status: 200 },
    ],
  },
  { id: 'R13', method: 'GET', path: '/v1/me/records', auth: ['citizen'], ok: [{ actor: 'citizen', status: 200 }] },
  {
    id: 'R14',
    method: 'POST',
    path: '/v1/me/records',
    auth: ['citizen'],
    body: () => ({ type: 'note', effectiveAt: '2026-05-01T10:00:00Z', text: 'from the matrix' }),
    ok: [{ actor: 'citizen', status: 201 }],
  },
  { id: 'R15', method: 'GET', path: '/v1/me/records/{id}', auth: ['citizen'], url: () => `/v1/me/records/${kindIds.records[0]}`, ok: [{ actor: 'citizen', status: 200 }] },
  { id: 'R16', method: 'DELETE', path: '/v1/me/records/{id}', auth: ['citizen'], url: () => `/v1/me/records/${kindIds.records[1]}`, ok: [{ actor: 'citizen', status: 204 }] },
  { id: 'R17', method: 'GET', path: '/v1/me/grants', auth: ['citizen'], ok: [{ actor: 'citizen', status: 200 }] },
  {
    id: 'R18',
    method: 'POST',
    path: '/v1/me/grants',
    auth: ['citizen'],
    body: () => ({ grantee: { accountId: gp.accountId }, access: 'read', categories: ['wellbeing'], purpose: 'direct-care' }),
    ok: [{ actor: 'citizen', status: 201 }],
  },
  {
    id: 'R19',
    method: 'POST',
    path: '/v1/me/grants/preview',
    auth: ['citizen'],
    body: () => ({ grantee: { accountId: gp.accountId }, access: 'read', categories: ['notes'], purpose: 'direct-care' }),
    ok: [{ actor: 'citizen', status: 200 }],
  },
  { id: 'R20', method: 'GET', path: '/v1/me/grants/{id}', auth: ['citizen'], url: () => `/v1/me/grants/${kindIds.grants[0]}`, ok: [{ actor: 'citizen', status: 200 }] },
  { id: 'R21', method: 'DELETE', path: '/v1/me/grants/{id}', auth: ['citizen'], url: () => `/v1/me/grants/${kindIds.grants[1]}`, ok: [{ actor: 'citizen', status: 200 }] },
  { id: 'R22', method: 'GET', path: '/v1/me/access-requests', auth: ['citizen'], ok: [{ actor: 'citizen', status: 200 }] },
  {
    id: 'R23',
    method: 'POST',
    path: '/v1/me/access-requests/{id}/approve',
    auth: ['citizen'],
    url: () => `/v1/me/access-requests/${kindIds.requests[0]}/approve`,
    ok: [{ actor: 'citizen', status: 201 }],
  },
  {
    id: 'R24',
    method: 'POST',
    path: '/v1/me/access-requests/{id}/deny',
    auth: ['citizen'],
    url: () => `/v1/me/access-requests/${kindIds.requests[1]}/deny`,
    ok: [{ actor: 'citizen', status: 200 }],
  },
  { id: 'R25', method: 'GET', path: '/v1/me/access-log', auth: ['citizen'], ok: [{ actor: 'citizen', status: 200 }] },
  {
    id: 'R26',
    method: 'GET',
    path: '/v1/grants',
    auth: ['practitioner', 'client'],
    ok: [
      { actor: 'grantee', status: 200 },
      { actor: 'client', status: 200 },
    ],
  },
  { id: 'R27', method: 'GET', path: '/v1/subjects/{subjectId}/records', auth: ['practitioner', 'client'], subjectRoute: 'read' },
  { id: 'R28', method: 'POST', path: '/v1/subjects/{subjectId}/records', auth: ['practitioner', 'client'], subjectRoute: 'append' },
  { id: 'R29', method: 'POST', path: '/v1/subjects/{subjectId}/records/batch', auth: ['practitioner', 'client'], subjectRoute: 'batch' },
  { id: 'R30', method: 'POST', path: '/v1/subjects/{subjectId}/access-requests', auth: ['practitioner', 'client'], subjectRoute: 'request' },
  {
    id: 'R31',
    method: 'POST',
    path: '/v1/organisations',
    auth: ['admin'],
    body: () => ({ name: `Matrix org ${randomUUID().slice(0, 8)}`, kind: 'provider' }),
    ok: [{ actor: 'admin', status: 201 }],
  },
  { id: 'R32', method: 'GET', path: '/v1/organisations', auth: ['admin'], ok: [{ actor: 'admin', status: 200 }] },
  {
    id: 'R33',
    method: 'POST',
    path: '/v1/organisations/{orgId}/practitioners',
    auth: ['admin'],
    url: () => `/v1/organisations/${orgB}/practitioners`,
    body: () => ({ handle: uniqueHandle('matrix'), password: strongPassword, displayName: 'Matrix Practitioner', role: 'nurse' }),
    ok: [{ actor: 'admin', status: 201 }],
  },
  {
    id: 'R34',
    method: 'POST',
    path: '/v1/organisations/{orgId}/clients',
    auth: ['admin'],
    url: () => `/v1/organisations/${orgB}/clients`,
    body: () => ({ name: 'Matrix system', jwks: { keys: [client.jwk] } }),
    ok: [{ actor: 'admin', status: 201 }],
  },
  {
    id: 'R35',
    method: 'POST',
    path: '/v1/organisations/{orgId}/practitioners/{accountId}/disable',
    auth: ['admin'],
    url: () => `/v1/organisations/${orgB}/practitioners/${spareP.accountId}/disable`,
    ok: [{ actor: 'admin', status: 200 }],
  },
  {
    id: 'R36',
    method: 'POST',
    path: '/v1/organisations/{orgId}/clients/{accountId}/disable',
    auth: ['admin'],
    url: () => `/v1/organisations/${orgB}/clients/${spareC.clientId}/disable`,
    ok: [{ actor: 'admin', status: 200 }],
  },
];

/** One representative caller of each account kind, for the kind rows. */
const KIND_ACTORS: Record<Kind, ActorName> = { citizen: 'citizen', practitioner: 'colleague', client: 'client', admin: 'admin' };

interface KindRow {
  id: string;
  route: RouteSpec;
  actor: ActorName;
  status: number;
}

/** Generated from ROUTES: ids are `AM-<route id>-<actor>`, stable while the route keeps its id. */
const KIND_ROWS: KindRow[] = ROUTES.flatMap((route) => {
  if (route.auth === 'public') return [{ id: `AM-${route.id}-anonymous`, route, actor: 'anonymous' as const, status: route.publicStatus! }];
  const auth = route.auth;
  const rows: KindRow[] = [
    { id: `AM-${route.id}-anonymous`, route, actor: 'anonymous', status: 401 },
    { id: `AM-${route.id}-badToken`, route, actor: 'badToken', status: 401 },
  ];
  for (const kind of Object.keys(KIND_ACTORS) as Kind[]) {
    if (!auth.includes(kind)) rows.push({ id: `AM-${route.id}-${KIND_ACTORS[kind]}`, route, actor: KIND_ACTORS[kind], status: 403 });
  }
  // Routes on someone else's store get their allowed-kind rows in SUBJECT_ROWS.
  for (const ok of route.ok ?? []) rows.push({ id: `AM-${route.id}-${ok.actor}-ok`, route, actor: ok.actor, status: ok.status });
  return rows;
});

// ---------------------------------------------------------------------------------------------
// Subject rows: actor × grant state × supporter route.

type SubjectRouteKey = 'read' | 'head' | 'append' | 'batch' | 'request';

const SUBJECT_ROUTES: Record<SubjectRouteKey, { method: Method; url: (subjectId: string, query?: string) => string; body?: () => unknown }> = {
  read: { method: 'GET', url: (s, q) => `/v1/subjects/${s}/records${q ? `?${q}` : ''}` },
  head: { method: 'HEAD', url: (s, q) => `/v1/subjects/${s}/records${q ? `?${q}` : ''}` },
  append: { method: 'POST', url: (s) => `/v1/subjects/${s}/records`, body: () => heartRate() },
  batch: { method: 'POST', url: (s) => `/v1/subjects/${s}/records/batch`, body: () => ({ records: [heartRate('2026-06-02T08:00:00Z'), heartRate('2026-06-03T08:00:00Z')] }) },
  request: { method: 'POST', url: (s) => `/v1/subjects/${s}/access-requests`, body: () => requestTerms },
};

interface SubjectRow {
  id: string;
  subject: PersonName;
  actor: ActorName;
  route: SubjectRouteKey;
  status: number;
  /** For reads: the query string (without `?`). */
  query?: string;
  body?: unknown;
  /** Run with the app's clock moved past the `expired` person's grants. */
  expired?: boolean;
  /** For 200 reads: how many records, a sanity check on the model. */
  count?: number;
  why?: string;
}

const SUBJECT_ROWS: SubjectRow[] = [
  // active: typed+windowed read (mental-wellbeing: phq9, gad7; 2026), plain read (health-status), windowed append (health-status; 2026)
  { id: 'AM001', subject: 'active', actor: 'owner', route: 'read', status: 403, why: 'a citizen, even the person, is not a supporter' },
  { id: 'AM002', subject: 'active', actor: 'otherCitizen', route: 'read', status: 403 },
  { id: 'AM003', subject: 'active', actor: 'grantee', route: 'read', status: 200, count: 8, why: 'exactly the union of both read slices' },
  { id: 'AM004', subject: 'active', actor: 'colleague', route: 'read', status: 404, why: 'grants to an account do not cover its colleagues' },
  { id: 'AM005', subject: 'active', actor: 'outsider', route: 'read', status: 404 },
  { id: 'AM006', subject: 'active', actor: 'client', route: 'read', status: 404, why: 'grants to an account do not cover its organisation’s client' },
  { id: 'AM007', subject: 'active', actor: 'admin', route: 'read', status: 403 },
  { id: 'AM008', subject: 'active', actor: 'anonymous', route: 'read', status: 401 },
  { id: 'AM009', subject: 'active', actor: 'badToken', route: 'read', status: 401 },
  { id: 'AM010', subject: 'active', actor: 'expiredToken', route: 'read', status: 401 },
  { id: 'AM011', subject: 'active', actor: 'forgedToken', route: 'read', status: 401 },
  { id: 'AM030', subject: 'active', actor: 'revokedSession', route: 'read', status: 401, why: 'the session was revoked at the token endpoint' },
  { id: 'AM012', subject: 'active', actor: 'owner', route: 'append', status: 403 },
  { id: 'AM013', subject: 'active', actor: 'otherCitizen', route: 'append', status: 403 },
  { id: 'AM014', subject: 'active', actor: 'grantee', route: 'append', status: 201 },
  { id: 'AM015', subject: 'active', actor: 'colleague', route: 'append', status: 404 },
  { id: 'AM016', subject: 'active', actor: 'outsider', route: 'append', status: 404 },
  { id: 'AM017', subject: 'active', actor: 'client', route: 'append', status: 404 },
  { id: 'AM018', subject: 'active', actor: 'admin', route: 'append', status: 403 },
  { id: 'AM019', subject: 'active', actor: 'anonymous', route: 'append', status: 401 },
  { id: 'AM020', subject: 'active', actor: 'expiredToken', route: 'append', status: 401 },
  { id: 'AM021', subject: 'active', actor: 'owner', route: 'batch', status: 403 },
  { id: 'AM022', subject: 'active', actor: 'otherCitizen', route: 'batch', status: 403 },
  { id: 'AM023', subject: 'active', actor: 'grantee', route: 'batch', status: 201 },
  { id: 'AM024', subject: 'active', actor: 'colleague', route: 'batch', status: 404 },
  { id: 'AM025', subject: 'active', actor: 'outsider', route: 'batch', status: 404 },
  { id: 'AM026', subject: 'active', actor: 'client', route: 'batch', status: 404 },
  { id: 'AM027', subject: 'active', actor: 'admin', route: 'batch', status: 403 },
  { id: 'AM028', subject: 'active', actor: 'anonymous', route: 'batch', status: 401 },
  { id: 'AM029', subject: 'active', actor: 'forgedToken', route: 'batch', status: 401 },
  { id: 'AM031', subject: 'active', actor: 'owner', route: 'request', status: 403 },
  { id: 'AM032', subject: 'active', actor: 'otherCitizen', route: 'request', status: 403 },
  { id: 'AM033', subject: 'active', actor: 'grantee', route: 'request', status: 202 },
  { id: 'AM034', subject: 'active', actor: 'colleague', route: 'request', status: 202 },
  { id: 'AM035', subject: 'active', actor: 'outsider', route: 'request', status: 202 },
  { id: 'AM036', subject: 'active', actor: 'client', route: 'request', status: 202 },
  { id: 'AM037', subject: 'active', actor: 'admin', route: 'request', status: 403 },
  { id: 'AM038', subject: 'active', actor: 'anonymous', route: 'request', status: 401 },
  { id: 'AM039', subject: 'active', actor: 'badToken', route: 'request', status: 401 },
  // active: the query narrows, never widens
  { id: 'AM041', subject: 'active', actor: 'grantee', route: 'read', query: 'category=mental-wellbeing', status: 200, count: 3 },
  { id: 'AM042', subject: 'active', actor: 'grantee', route: 'read', query: 'category=notes', status: 403, why: 'wrong category' },
  { id: 'AM043', subject: 'active', actor: 'grantee', route: 'read', query: 'type=phq9', status: 200, count: 2 },
  { id: 'AM044', subject: 'active', actor: 'grantee', route: 'read', query: 'type=swemwbs', status: 403, why: 'wrong type: the mental-wellbeing grant names its types' },
  { id: 'AM045', subject: 'active', actor: 'grantee', route: 'read', query: 'type=heart-rate', status: 200, why: 'the health-status grant names no types' },
  {
    id: 'AM046',
    subject: 'active',
    actor: 'grantee',
    route: 'read',
    query: 'category=mental-wellbeing&from=2025-01-01T00:00:00Z&to=2025-12-31T23:59:59Z',
    status: 200,
    count: 0,
    why: 'a query window outside the grant window is intersected, not refused',
  },
  { id: 'AM047', subject: 'active', actor: 'grantee', route: 'read', query: 'from=2025-11-01T00:00:00Z', status: 200, why: 'intersected with each grant window' },
  { id: 'AM048', subject: 'active', actor: 'grantee', route: 'read', query: 'category=mental-wellbeing&type=heart-rate', status: 200, count: 0, why: 'filters combine within the slices' },
  { id: 'AM049', subject: 'active', actor: 'grantee', route: 'read', query: 'to=2025-12-31T23:59:59Z', status: 200, count: 1 },
  { id: 'AM050', subject: 'active', actor: 'grantee', route: 'read', query: 'category=health-status&category=mental-wellbeing&type=gad7&type=weight', status: 200, count: 2 },
  { id: 'AM051', subject: 'active', actor: 'grantee', route: 'append', body: phq9(), status: 403, why: 'append grant is health-status only' },
  { id: 'AM052', subject: 'active', actor: 'grantee', route: 'append', body: heartRate('2025-06-01T08:00:00Z'), status: 403, why: 'dated outside the append window' },
  { id: 'AM053', subject: 'active', actor: 'grantee', route: 'append', body: heartRate(undefined, { category: 'mental-wellbeing' }), status: 403 },
  { id: 'AM054', subject: 'active', actor: 'grantee', route: 'batch', body: { records: [heartRate(), phq9()] }, status: 403 },
  { id: 'AM055', subject: 'active', actor: 'grantee', route: 'read', query: 'limit=2', status: 200, why: 'paged: the pages together are the union' },
  { id: 'AM056', subject: 'active', actor: 'grantee', route: 'read', query: 'category=health-status&category=social-connections', status: 403, why: 'one category outside every grant' },

  // readOnly: one read grant, health-status narrowed to heart-rate
  { id: 'AM101', subject: 'readOnly', actor: 'grantee', route: 'read', status: 200, count: 3 },
  { id: 'AM102', subject: 'readOnly', actor: 'grantee', route: 'read', query: 'type=heart-rate', status: 200, count: 3 },
  { id: 'AM103', subject: 'readOnly', actor: 'grantee', route: 'read', query: 'type=blood-glucose', status: 403, why: 'wrong type' },
  { id: 'AM104', subject: 'readOnly', actor: 'grantee', route: 'read', query: 'category=health-status&type=weight', status: 403, why: 'wrong type' },
  { id: 'AM105', subject: 'readOnly', actor: 'grantee', route: 'read', query: 'category=mental-wellbeing', status: 403, why: 'wrong category' },
  { id: 'AM106', subject: 'readOnly', actor: 'grantee', route: 'append', status: 403, why: 'grants, but none allows append' },
  { id: 'AM107', subject: 'readOnly', actor: 'grantee', route: 'batch', status: 403 },
  { id: 'AM108', subject: 'readOnly', actor: 'grantee', route: 'request', status: 202 },
  { id: 'AM109', subject: 'readOnly', actor: 'colleague', route: 'read', status: 404 },
  { id: 'AM110', subject: 'readOnly', actor: 'client', route: 'read', status: 404 },
  { id: 'AM111', subject: 'readOnly', actor: 'outsider', route: 'append', status: 404 },
  { id: 'AM112', subject: 'readOnly', actor: 'owner', route: 'read', status: 403 },
  { id: 'AM113', subject: 'readOnly', actor: 'admin', route: 'read', status: 403 },

  // appendOnly: append grants (health-status) to the practitioner and, directly, to the client
  { id: 'AM121', subject: 'appendOnly', actor: 'grantee', route: 'read', status: 403, why: 'grants, but none allows read' },
  { id: 'AM122', subject: 'appendOnly', actor: 'client', route: 'read', status: 403 },
  { id: 'AM123', subject: 'appendOnly', actor: 'grantee', route: 'append', status: 201 },
  { id: 'AM124', subject: 'appendOnly', actor: 'client', route: 'append', status: 201 },
  { id: 'AM125', subject: 'appendOnly', actor: 'grantee', route: 'batch', status: 201 },
  { id: 'AM126', subject: 'appendOnly', actor: 'client', route: 'batch', status: 201 },
  { id: 'AM127', subject: 'appendOnly', actor: 'colleague', route: 'append', status: 404 },
  { id: 'AM128', subject: 'appendOnly', actor: 'colleague', route: 'read', status: 404 },
  { id: 'AM129', subject: 'appendOnly', actor: 'outsider', route: 'batch', status: 404 },
  { id: 'AM130', subject: 'appendOnly', actor: 'client', route: 'append', body: phq9(), status: 403 },

  // revoked: a read and an append grant, both revoked
  { id: 'AM141', subject: 'revoked', actor: 'grantee', route: 'read', status: 404, why: 'revocation bites on the next request' },
  { id: 'AM142', subject: 'revoked', actor: 'grantee', route: 'append', status: 404 },
  { id: 'AM143', subject: 'revoked', actor: 'grantee', route: 'batch', status: 404 },
  { id: 'AM144', subject: 'revoked', actor: 'grantee', route: 'request', status: 202 },
  { id: 'AM145', subject: 'revoked', actor: 'grantee', route: 'read', query: 'category=health-status', status: 404 },
  { id: 'AM146', subject: 'revoked', actor: 'client', route: 'read', status: 404 },
  { id: 'AM147', subject: 'revoked', actor: 'owner', route: 'read', status: 403 },

  // expired: a read and an append grant that live one hour of the app's clock
  { id: 'AM161', subject: 'expired', actor: 'grantee', route: 'read', status: 200, why: 'before expiry' },
  { id: 'AM162', subject: 'expired', actor: 'grantee', route: 'read', expired: true, status: 404, why: 'expiry bites on the next request' },
  { id: 'AM163', subject: 'expired', actor: 'grantee', route: 'append', expired: true, status: 404 },
  { id: 'AM164', subject: 'expired', actor: 'grantee', route: 'batch', expired: true, status: 404 },
  { id: 'AM165', subject: 'expired', actor: 'grantee', route: 'request', expired: true, status: 202 },
  { id: 'AM166', subject: 'expired', actor: 'grantee', route: 'read', query: 'category=health-status', expired: true, status: 404 },
  { id: 'AM167', subject: 'expired', actor: 'grantee', route: 'append', status: 201, why: 'clock moved back: the grant is live again' },
  { id: 'AM168', subject: 'expired', actor: 'grantee', route: 'read', status: 200 },

  // window: a read grant on every seeded category whose data window (2024) holds no records
  { id: 'AM181', subject: 'window', actor: 'grantee', route: 'read', status: 200, count: 0, why: 'out of window: 200 with no records' },
  { id: 'AM182', subject: 'window', actor: 'grantee', route: 'read', query: 'from=2026-01-01T00:00:00Z', status: 200, count: 0, why: 'query window intersected, not refused' },
  { id: 'AM183', subject: 'window', actor: 'grantee', route: 'read', query: 'from=2024-03-01T00:00:00Z&to=2024-04-01T00:00:00Z', status: 200, count: 0 },
  { id: 'AM184', subject: 'window', actor: 'grantee', route: 'read', query: 'category=notes&type=note', status: 200, count: 0 },
  { id: 'AM185', subject: 'window', actor: 'grantee', route: 'append', status: 403 },
  { id: 'AM186', subject: 'window', actor: 'colleague', route: 'read', status: 404 },

  // orgWide: a read grant (health-status, mental-wellbeing) to the whole organisation A
  { id: 'AM201', subject: 'orgWide', actor: 'grantee', route: 'read', status: 200, count: 11, why: 'a member of the organisation' },
  { id: 'AM202', subject: 'orgWide', actor: 'colleague', route: 'read', status: 200, count: 11 },
  { id: 'AM203', subject: 'orgWide', actor: 'client', route: 'read', status: 200, count: 11 },
  { id: 'AM204', subject: 'orgWide', actor: 'outsider', route: 'read', status: 404 },
  { id: 'AM205', subject: 'orgWide', actor: 'colleague', route: 'append', status: 403 },
  { id: 'AM206', subject: 'orgWide', actor: 'client', route: 'batch', status: 403 },
  { id: 'AM207', subject: 'orgWide', actor: 'client', route: 'read', query: 'category=notes', status: 403 },
  { id: 'AM208', subject: 'orgWide', actor: 'colleague', route: 'read', query: 'type=heart-rate', status: 200, count: 4, why: 'a category grant sees a heart rate filed under mental-wellbeing' },
  { id: 'AM209', subject: 'orgWide', actor: 'owner', route: 'read', status: 403 },
  { id: 'AM210', subject: 'orgWide', actor: 'admin', route: 'read', status: 403 },
  { id: 'AM211', subject: 'orgWide', actor: 'client', route: 'request', status: 202 },
  { id: 'AM212', subject: 'orgWide', actor: 'anonymous', route: 'read', status: 401 },
  { id: 'AM213', subject: 'orgWide', actor: 'client', route: 'read', query: 'limit=3&category=mental-wellbeing', status: 200, count: 6 },

  // otherPerson: the other citizen, who granted the outsider their notes; the practitioner holds nothing
  { id: 'AM221', subject: 'otherPerson', actor: 'grantee', route: 'read', status: 404 },
  { id: 'AM222', subject: 'otherPerson', actor: 'grantee', route: 'append', status: 404 },
  { id: 'AM223', subject: 'otherPerson', actor: 'grantee', route: 'batch', status: 404 },
  { id: 'AM224', subject: 'otherPerson', actor: 'grantee', route: 'request', status: 202 },
  { id: 'AM225', subject: 'otherPerson', actor: 'outsider', route: 'read', status: 200, count: 1 },
  { id: 'AM226', subject: 'otherPerson', actor: 'outsider', route: 'read', query: 'category=health-status', status: 403 },
  { id: 'AM227', subject: 'otherPerson', actor: 'client', route: 'read', status: 404 },

  // missing: a well-formed id nobody has
  { id: 'AM241', subject: 'missing', actor: 'grantee', route: 'read', status: 404 },
  { id: 'AM242', subject: 'missing', actor: 'grantee', route: 'append', status: 404 },
  { id: 'AM243', subject: 'missing', actor: 'grantee', route: 'batch', status: 404 },
  { id: 'AM244', subject: 'missing', actor: 'grantee', route: 'request', status: 202, why: 'requests cannot probe for people' },
  { id: 'AM245', subject: 'missing', actor: 'client', route: 'read', status: 404 },
  { id: 'AM246', subject: 'missing', actor: 'client', route: 'request', status: 202 },
  { id: 'AM247', subject: 'missing', actor: 'otherCitizen', route: 'read', status: 403 },
  { id: 'AM248', subject: 'missing', actor: 'anonymous', route: 'read', status: 401 },
  { id: 'AM249', subject: 'missing', actor: 'admin', route: 'request', status: 403 },
  // malformed: not a subject id at all
  { id: 'AM251', subject: 'malformed', actor: 'grantee', route: 'read', status: 400 },
  { id: 'AM252', subject: 'malformed', actor: 'grantee', route: 'request', status: 400 },
  { id: 'AM253', subject: 'active', actor: 'grantee', route: 'request', body: { ...requestTerms, categories: ['no-such-category'] }, status: 400 },
  { id: 'AM254', subject: 'missing', actor: 'grantee', route: 'request', body: { ...requestTerms, categories: ['no-such-category'] }, status: 400 },

  // HEAD mirrors GET on a person's records
  { id: 'AM261', subject: 'active', actor: 'anonymous', route: 'head', status: 401 },
  { id: 'AM262', subject: 'active', actor: 'outsider', route: 'head', status: 404 },
  { id: 'AM263', subject: 'active', actor: 'grantee', route: 'head', status: 200 },
  { id: 'AM264', subject: 'active', actor: 'owner', route: 'head', status: 403 },
];

/** Disabled grantee: rows before and after the operator disables gpX and clientX. */
const DISABLED_BEFORE: SubjectRow[] = [
  { id: 'AM301', subject: 'disabled', actor: 'disabledPractitioner', route: 'read', status: 200 },
  { id: 'AM302', subject: 'disabled', actor: 'disabledClient', route: 'read', status: 200 },
];
const DISABLED_AFTER: SubjectRow[] = [
  { id: 'AM305', subject: 'disabled', actor: 'disabledPractitioner', route: 'read', status: 401 },
  { id: 'AM306', subject: 'disabled', actor: 'disabledPractitioner', route: 'append', status: 401 },
  { id: 'AM307', subject: 'disabled', actor: 'disabledPractitioner', route: 'batch', status: 401 },
  { id: 'AM308', subject: 'disabled', actor: 'disabledPractitioner', route: 'request', status: 401 },
  { id: 'AM309', subject: 'disabled', actor: 'disabledClient', route: 'read', status: 401 },
  { id: 'AM310', subject: 'disabled', actor: 'disabledClient', route: 'request', status: 401 },
  { id: 'AM311', subject: 'missing', actor: 'disabledPractitioner', route: 'read', status: 401 },
];

/**
 * Rows whose answer differs from DESIGN, reported and being fixed in src. They run in the
 * skipped block at the end; remove an id here to unskip its row.
 */
const KNOWN_MISMATCHES = new Set<string>([]);

// ---------------------------------------------------------------------------------------------
// Row runners

function actorFor(name: ActorName, person: Person): ActorHandle {
  if (name === 'owner') return citizenActor(person.citizen!);
  return actors[name];
}

function title(row: SubjectRow): string {
  const spec = SUBJECT_ROUTES[row.route];
  const q = row.query ? `?${row.query}` : '';
  return `[${row.id}] ${row.subject}: ${row.actor} ${spec.method} ${spec.url('{subjectId}')}${q} → ${row.status}${row.why ? ` (${row.why})` : ''}`;
}

async function readAll(c: Call, first: LightMyRequestResponse, label: string): Promise<{ id: string; subjectId: string; category: string; type: string; effectiveAt: string }[]> {
  const items = [...first.json().items];
  let cursor: string | null = first.json().nextCursor;
  while (cursor) {
    const res = await send({ ...c, url: `${c.url}${c.url.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}` }, label);
    expect(res.statusCode, res.body).toBe(200);
    items.push(...res.json().items);
    cursor = res.json().nextCursor;
  }
  return items;
}

async function runSubjectRow(row: SubjectRow): Promise<void> {
  const person = people[row.subject];
  const actor = actorFor(row.actor, person);
  const spec = SUBJECT_ROUTES[row.route];
  const body = row.body ?? spec.body?.();
  const call: Call = { actor, method: spec.method, url: spec.url(person.subjectId, row.query), ...(body === undefined ? {} : { body }) };
  const label = `[${row.id}]`;
  const owner = person.citizen ? citizenActor(person.citizen) : null;
  const seqBefore = owner ? await lastSeq(owner) : 0;
  if (row.expired) t.clock.advance(EXPIRY_JUMP);
  try {
    const res = await send(call, label);
    expect(res.statusCode, `${label} ${res.body}`).toBe(row.status);
    if (owner) await expectLogged(row, owner, actor, person, seqBefore, res);

    if (row.status === 200 && row.route === 'read') {
      // Property: every item lies inside an active read grant, and the ids are exactly the union of the slices ∩ the query.
      const items = await readAll(call, res, label);
      const grants = activeGrants(person, actor, 'read', t.clock.now());
      expect(grants.length, `${label} the model says the caller holds a read grant`).toBeGreaterThan(0);
      for (const item of items) {
        const r: ModelRecord = { id: item.id, category: item.category, type: item.type, effectiveAt: Date.parse(item.effectiveAt) };
        expect(item.subjectId, label).toBe(person.subjectId);
        expect(grants.some((g) => inSlice(g, r)), `${label} ${item.type}/${item.category}@${item.effectiveAt} is outside every active read grant`).toBe(true);
      }
      const expected = person.records.filter((r) => grants.some((g) => inSlice(g, r)) && matchesQuery(row.query, r)).map((r) => r.id);
      expect(items.map((i) => i.id).sort(), `${label} returned ids`).toEqual(expected.sort());
      if (row.count !== undefined) expect(items, label).toHaveLength(row.count);
    }

    if (row.status === 200 && row.route === 'head') expect(res.body, label).toBe('');

    if (row.status === 201) {
      const created = (row.route === 'batch' ? res.json().items : [res.json()]) as { id: string; subjectId: string; category: string; type: string; effectiveAt: string; source: unknown }[];
      const sent = row.route === 'batch' ? (body as { records: unknown[] }).records : [body];
      expect(created, label).toHaveLength(sent.length);
      for (const rec of created) {
        expect(rec.subjectId, label).toBe(person.subjectId);
        expect(rec.source, label).toEqual({ kind: actor.kind, accountId: actor.accountId, organisationId: actor.organisationId });
        person.records.push({ id: rec.id, category: rec.category, type: rec.type, effectiveAt: Date.parse(rec.effectiveAt) });
        recordOwner.set(rec.id, person.subjectId);
      }
    }

    if (row.status === 404 || row.status === 202) {
      // The same call on a person nobody is: 404s identical but for `instance`, 202s but for ids and times.
      const nobody = { ...call, url: spec.url(randomUUID(), row.query) };
      const ref = await send(nobody, `${label} (reference: nobody)`);
      expect(ref.statusCode, `${label} reference ${ref.body}`).toBe(row.status);
      expect(stableHeaders(res), `${label} headers`).toEqual(stableHeaders(ref));
      if (row.status === 404 && row.route !== 'head') expect(withoutInstance(res), label).toEqual(withoutInstance(ref));
      if (row.status === 202) {
        const [a, b] = [res.json(), ref.json()];
        expect(Object.keys(a).sort(), label).toEqual(Object.keys(b).sort());
        expect(a.status, label).toBe(b.status);
        expect(Date.parse(a.expiresAt) - Date.parse(a.createdAt), label).toBe(Date.parse(b.expiresAt) - Date.parse(b.createdAt));
        expect(a.id, label).not.toBe(b.id);
      }
    }
  } finally {
    if (row.expired) t.clock.advance(-EXPIRY_JUMP);
  }
}

interface LogEntry {
  seq: number;
  action: string;
  actor: { accountId: string | null };
  grantIds: string[];
  recordIds: string[];
}

async function logSince(owner: ActorHandle, seq: number): Promise<LogEntry[]> {
  const res = await send({ actor: owner, method: 'GET', url: '/v1/me/access-log?order=desc&limit=50' }, 'access log');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as LogEntry[]).filter((e) => e.seq > seq);
}

async function lastSeq(owner: ActorHandle): Promise<number> {
  const res = await send({ actor: owner, method: 'GET', url: '/v1/me/access-log?order=desc&limit=1' }, 'access log');
  return (res.json().items as LogEntry[])[0]?.seq ?? 0;
}

/**
 * The person's access log after a row: a served read or append adds exactly one entry naming the
 * caller, grants it holds, and exactly the records served or written; anything refused names no record.
 */
async function expectLogged(row: SubjectRow, owner: ActorHandle, actor: ActorHandle, person: Person, seq: number, res: LightMyRequestResponse): Promise<void> {
  const label = `[${row.id}] access log`;
  const added = await logSince(owner, seq);
  const served = (row.status === 200 && (row.route === 'read' || row.route === 'head')) || row.status === 201;
  if (!served) {
    expect(added.filter((e) => e.recordIds.length > 0), `${label}: a refused call logged records`).toEqual([]);
    return;
  }
  expect(added, label).toHaveLength(1);
  const entry = added[0]!;
  const access = row.status === 201 ? 'append' : 'read';
  expect(entry.action, label).toBe(`records.${access}`);
  expect(entry.actor.accountId, label).toBe(actor.accountId);
  const held = activeGrants(person, actor, access, t.clock.now()).map((g) => g.id);
  expect(entry.grantIds.length, label).toBeGreaterThan(0);
  expect(entry.grantIds.filter((id) => !held.includes(id)), `${label}: names grants the caller does not hold`).toEqual([]);
  if (row.route === 'head') return;
  const shown = row.status === 201 ? (row.route === 'batch' ? res.json().items : [res.json()]) : res.json().items;
  expect([...entry.recordIds].sort(), label).toEqual((shown as { id: string }[]).map((r) => r.id).sort());
}

async function runKindRow(row: KindRow): Promise<void> {
  const route = row.route;
  const actor = actors[row.actor as Exclude<ActorName, 'owner'>];
  const url = route.url?.() ?? (route.subjectRoute ? SUBJECT_ROUTES[route.subjectRoute].url(people.active.subjectId) : route.path);
  const body = route.body?.() ?? (route.subjectRoute ? SUBJECT_ROUTES[route.subjectRoute].body?.() : undefined);
  const res = await send({ actor, method: route.method, url, ...(body === undefined ? {} : { body }) }, `[${row.id}]`);
  expect(res.statusCode, `[${row.id}] ${res.body}`).toBe(row.status);
  // Keep the model in step with what the allowed callers changed.
  const lee = people.kindRows;
  if (row.status === 201 && route.id === 'R14') {
    const r = res.json();
    lee.records.push({ id: r.id, category: r.category, type: r.type, effectiveAt: Date.parse(r.effectiveAt) });
    recordOwner.set(r.id, lee.subjectId);
  }
  if (row.status === 201 && (route.id === 'R18' || route.id === 'R23')) lee.grants.push(grantFromView(res.json()));
  if (row.status === 200 && route.id === 'R21') lee.grants.find((g) => g.id === res.json().id)!.revoked = true;
}

/** A grant as the service answered it, for grants made by rows rather than by the fixture. */
function grantFromView(v: { id: string; grantee: ModelGrant['grantee']; access: 'read' | 'append'; categories: string[]; types: string[] | null; from: string | null; to: string | null; expiresAt: string }): ModelGrant {
  return {
    id: v.id,
    grantee: v.grantee,
    access: v.access,
    categories: v.categories,
    types: v.types,
    from: v.from === null ? null : Date.parse(v.from),
    to: v.to === null ? null : Date.parse(v.to),
    expiresAt: Date.parse(v.expiresAt),
    revoked: false,
  };
}

// ---------------------------------------------------------------------------------------------
// The matrix

describe('access matrix: route table', () => {
  it('[AM000] every operation in /openapi.json is a route of the matrix, and every route of the matrix is served', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const served = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const table = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(served.filter((op) => !table.includes(op)), 'operations with no row in the matrix').toEqual([]);
    expect(ROUTES.filter((r) => !r.hidden && !served.includes(`${r.method} ${r.path}`)).map((r) => r.id), 'matrix routes absent from /openapi.json').toEqual([]);
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
  });

  it('[AM000b] every route has rows: public ones an anonymous status, others an allowed caller, subject routes grant-state rows', () => {
    const ids = [...KIND_ROWS, ...SUBJECT_ROWS, ...DISABLED_BEFORE, ...DISABLED_AFTER].map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'duplicate row ids').toEqual([]);
    for (const route of ROUTES) {
      if (route.auth === 'public') {
        expect(route.publicStatus, route.id).toBeTypeOf('number');
      } else if (route.subjectRoute) {
        const rows = SUBJECT_ROWS.filter((r) => r.route === route.subjectRoute);
        expect(rows.some((r) => r.status >= 200 && r.status < 300), `${route.id} has a row that succeeds`).toBe(true);
        expect(rows.some((r) => r.subject === 'missing'), `${route.id} has a row on a person who does not exist`).toBe(true);
        expect(rows.some((r) => r.subject === 'revoked'), `${route.id} has a revoked row`).toBe(true);
        expect(rows.some((r) => r.expired), `${route.id} has an expired row`).toBe(true);
      } else {
        expect(route.ok?.length ?? 0, `${route.id} has an allowed caller row`).toBeGreaterThan(0);
      }
    }
  });
});

describe('access matrix: account kinds per route (generated from the route table)', () => {
  for (const row of KIND_ROWS.filter((r) => !KNOWN_MISMATCHES.has(r.id))) {
    it(`[${row.id}] ${row.actor} ${row.route.method} ${row.route.path} → ${row.status}`, () => runKindRow(row));
  }
});

describe('access matrix: supporters on a person, by grant state', () => {
  for (const row of SUBJECT_ROWS.filter((r) => !KNOWN_MISMATCHES.has(r.id))) {
    it(title(row), () => runSubjectRow(row));
  }
});

describe('access matrix: disabled grantee', () => {
  for (const row of DISABLED_BEFORE.filter((r) => !KNOWN_MISMATCHES.has(r.id))) it(title(row), () => runSubjectRow(row));

  it('[AM303] admin disables the practitioner: 200, its direct grants revoked', async () => {
    const res = await send({ actor: actors.admin, method: 'POST', url: `/v1/organisations/${orgA}/practitioners/${gpX.accountId}/disable` }, '[AM303]');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accountId: gpX.accountId, grantsRevoked: 2 });
  });

  it('[AM304] admin disables the machine client: 200, its direct grant revoked', async () => {
    const res = await send({ actor: actors.admin, method: 'POST', url: `/v1/organisations/${orgA}/clients/${clientX.clientId}/disable` }, '[AM304]');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accountId: clientX.clientId, grantsRevoked: 1 });
    for (const g of people.disabled.grants) g.revoked = true;
  });

  for (const row of DISABLED_AFTER.filter((r) => !KNOWN_MISMATCHES.has(r.id))) it(title(row), () => runSubjectRow(row));

  it('[AM312] a disabled practitioner: GET /v1/grants and GET /v1/me → 401', async () => {
    for (const url of ['/v1/grants', '/v1/me']) {
      const res = await send({ actor: actors.disabledPractitioner, method: 'GET', url }, '[AM312]');
      expect(res.statusCode, `${url} ${res.body}`).toBe(401);
    }
  });

  it('[AM313] the person sees the disabled grantees’ grants as revoked', async () => {
    for (const id of disabledGrantIds) {
      const res = await send({ actor: citizenActor(people.disabled.citizen!), method: 'GET', url: `/v1/me/grants/${id}` }, '[AM313]');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().status).toBe('revoked');
    }
  });
});

describe('access matrix: citizen isolation', () => {
  const bob = () => people.otherPerson;
  const alice = () => citizenActor(people.active.citizen!);
  const bobActor = () => citizenActor(bob().citizen!);
  const bobGrant = () => bob().grants[0]!.id;
  const bobRequest = async () => {
    const res = await send({ actor: bobActor(), method: 'GET', url: '/v1/me/access-requests?status=pending' }, 'bob requests');
    return (res.json().items as { id: string }[])[0]!.id;
  };

  /** The call on another citizen's id answers exactly as on an id nobody has. */
  async function expectHidden(label: string, method: Method, url: (id: string) => string, id: string): Promise<void> {
    const res = await send({ actor: alice(), method, url: url(id) }, label);
    expect(res.statusCode, `${label} ${res.body}`).toBe(404);
    const ref = await send({ actor: alice(), method, url: url(randomUUID()) }, `${label} (reference)`);
    expect(ref.statusCode).toBe(404);
    expect(withoutInstance(res), label).toEqual(withoutInstance(ref));
  }

  it('[AM401] another citizen: GET /v1/me/grants/{id} of someone else’s grant → 404', () => expectHidden('[AM401]', 'GET', (id) => `/v1/me/grants/${id}`, bobGrant()));

  it('[AM402] another citizen: DELETE /v1/me/grants/{id} of someone else’s grant → 404, and it stays active', async () => {
    await expectHidden('[AM402]', 'DELETE', (id) => `/v1/me/grants/${id}`, bobGrant());
    const still = await send({ actor: bobActor(), method: 'GET', url: `/v1/me/grants/${bobGrant()}` }, '[AM402]');
    expect(still.json().status).toBe('active');
  });

  it('[AM403] another citizen: GET /v1/me/records/{id} of someone else’s record → 404', () => expectHidden('[AM403]', 'GET', (id) => `/v1/me/records/${id}`, bob().records[0]!.id));

  it('[AM404] another citizen: DELETE /v1/me/records/{id} of someone else’s record → 404, and it stays', async () => {
    const id = bob().records[0]!.id;
    await expectHidden('[AM404]', 'DELETE', (x) => `/v1/me/records/${x}`, id);
    const still = await send({ actor: bobActor(), method: 'GET', url: `/v1/me/records/${id}` }, '[AM404]');
    expect(still.statusCode).toBe(200);
  });

  it('[AM405] another citizen: approve someone else’s access request → 404, and it stays pending', async () => {
    const id = await bobRequest();
    await expectHidden('[AM405]', 'POST', (x) => `/v1/me/access-requests/${x}/approve`, id);
    expect(await bobRequest()).toBe(id);
  });

  it('[AM406] another citizen: deny someone else’s access request → 404, and it stays pending', async () => {
    const id = await bobRequest();
    await expectHidden('[AM406]', 'POST', (x) => `/v1/me/access-requests/${x}/deny`, id);
    expect(await bobRequest()).toBe(id);
  });

  it('[AM407] a citizen’s own lists hold only their own grants, requests, records and log', async () => {
    for (const url of ['/v1/me/grants', '/v1/me/access-requests', '/v1/me/records?limit=500', '/v1/me/access-log?limit=500']) {
      const res = await send({ actor: alice(), method: 'GET', url }, `[AM407] ${url}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.body, url).not.toContain(bob().subjectId);
      for (const item of res.json().items as { subjectId?: string }[]) if (item.subjectId !== undefined) expect(item.subjectId, url).toBe(people.active.subjectId);
    }
  });

  it('[AM408] GET /v1/grants: each supporter sees only grants to it or its organisation', async () => {
    const expectations: [ActorName, (g: ModelGrant) => boolean][] = [
      ['grantee', (g) => holds(g, actors.grantee)],
      ['colleague', (g) => holds(g, actors.colleague)],
      ['outsider', (g) => holds(g, actors.outsider)],
      ['client', (g) => holds(g, actors.client)],
    ];
    const now = t.clock.now();
    const all = Object.values(people).flatMap((p) => p.grants);
    for (const [name, mine] of expectations) {
      const res = await send({ actor: actors[name as Exclude<ActorName, 'owner'>], method: 'GET', url: '/v1/grants?limit=500' }, `[AM408] ${name}`);
      expect(res.statusCode, res.body).toBe(200);
      const ids = (res.json().items as { id: string }[]).map((g) => g.id);
      const known = all.filter((g) => ids.includes(g.id));
      expect(known.filter((g) => !mine(g)).map((g) => g.id), `${name} sees grants made to others`).toEqual([]);
      const expected = all.filter((g) => mine(g) && !g.revoked && g.expiresAt > now).map((g) => g.id);
      expect(expected.filter((id) => !ids.includes(id)), `${name} misses its own active grants`).toEqual([]);
    }
  });

  it('[AM409] GET /v1/grants?subjectId= of a person the supporter holds nothing on → 200, empty', async () => {
    const res = await send({ actor: actors.grantee, method: 'GET', url: `/v1/grants?subjectId=${bob().subjectId}` }, '[AM409]');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items).toEqual([]);
  });
});

describe('access matrix: appends under an append grant', () => {
  // The append person: append grants on health-status, window 2026-01-01..2026-10-31, to gp and directly to the client.
  const jo = () => people.appends;
  const url = (batch = false) => `/v1/subjects/${jo().subjectId}/records${batch ? '/batch' : ''}`;
  const own = async () => {
    const res = await send({ actor: citizenActor(jo().citizen!), method: 'GET', url: '/v1/me/records?limit=500' }, 'own list');
    expect(res.statusCode).toBe(200);
    return res.json().items as { id: string; source: unknown }[];
  };

  beforeAll(async () => {
    for (const grantee of [{ accountId: gp.accountId }, { accountId: client.clientId }]) {
      await give(jo(), { grantee, access: 'append', categories: ['health-status'], from: '2026-01-01', to: '2026-10-31' });
    }
  });

  const cases: { id: string; actor: 'grantee' | 'client'; body: unknown; batch?: boolean; status: number; name: string }[] = [
    { id: 'AP01', actor: 'grantee', body: heartRate('2026-06-01T08:00:00Z'), status: 201, name: 'a practitioner appends a heart rate' },
    { id: 'AP02', actor: 'client', body: heartRate('2026-06-02T08:00:00Z'), status: 201, name: 'a client appends a heart rate' },
    { id: 'AP03', actor: 'grantee', body: phq9(), status: 403, name: 'a practitioner may not append a PHQ-9' },
    { id: 'AP04', actor: 'client', body: phq9(), status: 403, name: 'a client may not append a PHQ-9' },
    { id: 'AP05', actor: 'grantee', body: heartRate('2025-12-31T23:00:00Z'), status: 403, name: 'a heart rate dated before the window' },
    { id: 'AP06', actor: 'client', body: heartRate('2026-11-15T08:00:00Z'), status: 403, name: 'a heart rate dated after the window' },
    { id: 'AP07', actor: 'grantee', body: heartRate(undefined, { category: 'mental-wellbeing' }), status: 403, name: 'a heart rate filed outside the granted category' },
    { id: 'AP08', actor: 'grantee', batch: true, body: { records: [heartRate('2026-07-01T08:00:00Z'), phq9()] }, status: 403, name: 'a batch with one PHQ-9' },
    { id: 'AP09', actor: 'client', batch: true, body: { records: [heartRate('2026-07-02T08:00:00Z'), heartRate('2025-06-01T08:00:00Z')] }, status: 403, name: 'a batch with one record out of window' },
    { id: 'AP10', actor: 'grantee', batch: true, body: { records: [heartRate('2026-07-03T08:00:00Z'), heartRate('2026-07-04T08:00:00Z', { unit: 'kg' })] }, status: 400, name: 'a batch with one invalid record' },
    { id: 'AP11', actor: 'client', batch: true, body: { records: [heartRate('2026-07-05T08:00:00Z'), { type: 'weight', effectiveAt: '2026-07-05T09:00:00Z', value: 70 }] }, status: 201, name: 'a good batch is stored whole' },
  ];

  for (const c of cases.filter((x) => !KNOWN_MISMATCHES.has(x.id))) {
    it(`[${c.id}] ${c.name} → ${c.status}${c.status >= 400 && c.batch ? ', nothing stored' : ''}`, async () => {
      const actor = actors[c.actor];
      const before = await own();
      const res = await send({ actor, method: 'POST', url: url(c.batch), body: c.body }, `[${c.id}]`);
      expect(res.statusCode, res.body).toBe(c.status);
      const after = await own();
      if (c.status !== 201) {
        expect(after.map((r) => r.id).sort(), `[${c.id}] nothing stored`).toEqual(before.map((r) => r.id).sort());
        if (c.status === 400) expect((res.json().errors as { field: string }[]).map((e) => e.field)).toContain('records.1.unit');
        return;
      }
      const created = (c.batch ? res.json().items : [res.json()]) as { id: string; category: string; type: string; effectiveAt: string; source: unknown }[];
      const source = { kind: c.actor === 'client' ? 'client' : 'practitioner', accountId: actor.accountId, organisationId: orgA };
      for (const rec of created) {
        expect(rec.source).toEqual(source);
        recordOwner.set(rec.id, jo().subjectId);
        // The person sees it in their own list, with the same source.
        expect(after.find((r) => r.id === rec.id)?.source).toEqual(source);
      }
      expect(after).toHaveLength(before.length + created.length);
    });
  }

  it('[AP12] a colleague of the grantee, holding nothing, appends → 404', async () => {
    const res = await send({ actor: actors.colleague, method: 'POST', url: url(), body: heartRate() }, '[AP12]');
    expect(res.statusCode, res.body).toBe(404);
  });
});

describe.skip('KNOWN MISMATCHES — reported, being fixed', () => {
  for (const row of KIND_ROWS.filter((r) => KNOWN_MISMATCHES.has(r.id))) {
    it(`[${row.id}] ${row.actor} ${row.route.method} ${row.route.path} → ${row.status}`, () => runKindRow(row));
  }
  for (const row of [...SUBJECT_ROWS, ...DISABLED_BEFORE, ...DISABLED_AFTER].filter((r) => KNOWN_MISMATCHES.has(r.id))) {
    it(title(row), () => runSubjectRow(row));
  }
});
