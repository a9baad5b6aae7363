import { randomUUID } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { signUpCitizen, strongPassword, type Citizen } from './actors.js';
import { buildTestApp, type TestApp } from './app.js';
import { addRecord, createAdmin, createClient, createOrganisation, createPractitioner, grant, type Client, type Staff } from './consent.js';

/**
 * Contract fuzzing (issue #8): every operation of /openapi.json, requested with schema-valid and
 * schema-violating input, hostile JSON, odd unicode, bad ids and cursors, wrong content types
 * and odd headers, by every kind of account. The service must never answer 5xx, every 4xx must
 * be RFC 9457 problem+json (RFC 6749 JSON on the token endpoints, a FHIR OperationOutcome under
 * /fhir/), and the heap must not grow
 * with the number of requests.
 */

type ActorKind = 'citizen' | 'practitioner' | 'client' | 'admin' | 'none' | 'garbage';

export interface FuzzOptions {
  requests: number;
  seed?: number;
  log?: (line: string) => void;
  /** Sees every request and its answer (debugging a generator). */
  trace?: (request: string, status: number, body: string) => void;
}

export interface FuzzFailure {
  why: string;
  request: string;
  status: number;
  body: string;
}

export interface FuzzReport {
  requests: number;
  seed: number;
  operations: number;
  durationMs: number;
  /** Answers by status code. */
  statuses: Record<string, number>;
  /** Answers per operation: shows how far past authentication and validation the fuzz reached. */
  perOperation: Record<string, { requests: number; ok: number; statuses: Record<string, number> }>;
  fiveHundreds: number;
  /** 4xx answers that were not problem+json (or RFC 6749 JSON on the token endpoints). */
  badErrorBodies: number;
  /** No answer within the per-request deadline. */
  hangs: number;
  failures: FuzzFailure[];
  heap: {
    /** heapUsed after a forced GC, MB, after every batch of 250 requests. */
    samplesMb: number[];
    baselineMb: number;
    finalMb: number;
    growthMb: number;
    peakRssMb: number;
  };
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  description?: string;
}

interface Operation {
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  headers: { name: string; schema: JsonSchema }[];
  /** Request body schemas by media type. */
  bodies: Record<string, JsonSchema>;
}

interface FuzzRequest {
  op: string;
  actor: ActorKind;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  why: string;
}

/** The OAuth endpoints answer RFC 6749 §5.2 JSON, not problem+json (docs/errors.md). */
const oauthPaths = new Set(['/v1/token', '/v1/token/revoke']);

const MB = 1024 * 1024;

/** `--expose-gc` without a flag on the test runner: V8 hands out `gc` to a fresh context. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

// ---------------------------------------------------------------------------------------------
// Hostile values, built once (fast-check would spend seconds growing 900 KB strings).

const oddStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83dy',
  '\u202eevil\u202c',
  '\u200f\u200e\u2066',
  '\ufeff',
  '\uffff',
  '😀👩‍👩‍👧‍👦',
  'e\u0301\u0301\u0301',
  'İı',
  '\\',
  '"',
  "'; DROP TABLE records; --",
  '../../etc/passwd',
  '%00',
  '%',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  'null',
  'true',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  '2026-02-30T10:00:00Z',
  '2026-03-01T10:00:00+25:00',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-03-01',
  '2026-03-01T10:00:00.123456789Z',
];
const hugeAscii = 'x'.repeat(900 * 1024);
const hugeUnicode = '😀\u202e\u0000é'.repeat(60 * 1024);

function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** A JSON text with one value spliced in as raw text (deep nesting cannot go through JSON.stringify). */
function splice(body: unknown, raw: string): string {
  const marker = `__fuzz_${randomUUID()}__`;
  const base = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as object), detail: marker } : { detail: marker };
  return JSON.stringify(base).replace(`"${marker}"`, raw);
}

const malformedJson = [
  '{',
  '{"type":',
  '{"a":1,}',
  '{a:1}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":1} trailing',
  '{"a":1}{"b":2}',
  '/* comment */{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"unterminated}',
  '\ufeff{}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '{"a":1e999999}',
  '{"a":-0}',
  '{"a":123456789012345678901234567890}',
  'null',
  'true',
  '0',
  '""',
  '[]',
  '[{}]',
];

const invalidUtf8 = [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80])];

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json;charset="utf-8"',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; foo',
  'application/json; foo=bar',
  'application/json;;',
  'APPLICATION/JSON',
  'application/jsonx',
  'application/problem+json',
  'application/merge-patch+json',
  'application/json, text/plain',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '*/*',
  ';',
  '',
  'a'.repeat(1000),
];

const badIds = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{12345678-1234-1234-1234-123456789abc}',
  '12345678123412341234123456789abc',
  '%2e%2e',
  '..',
  '%00',
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%',
  '%zz',
  '%25',
  '%2F',
  "'",
  '-1',
  '1e3',
  'a'.repeat(101),
  'a'.repeat(5000),
  encodeURIComponent('\u202e'),
];

const badCursors = [
  '',
  'x',
  '%FF%FE',
  Buffer.from('{"e":"x","i":1}').toString('base64url'),
  Buffer.from('{"effectiveAt":1,"id":"x"}').toString('base64url'),
  Buffer.from('[]').toString('base64url'),
  Buffer.from('null').toString('base64url'),
  Buffer.from('"' + 'a'.repeat(300) + '"').toString('base64url'),
  Buffer.from(deepJson(5000, 'array')).toString('base64url').slice(0, 512),
  'a'.repeat(513),
  'a'.repeat(10_000),
  '....',
  '\u0000',
];

// ---------------------------------------------------------------------------------------------

interface World {
  t: TestApp;
  tokens: Record<ActorKind, string | undefined>;
  citizen: Citizen;
  other: Citizen;
  admin: Staff;
  practitioner: Staff;
  client: Client;
  organisationId: string;
  /** Ids the fuzz may use in paths, by parameter name. Never the fixtures' own accounts (disable would end the run's coverage). */
  ids: Record<string, string[]>;
  /** Codes and words that make a generated value more likely to mean something. */
  words: string[];
}

async function buildWorld(): Promise<World> {
  // The webhook worker never runs: the fuzz may register any URL, and nothing may leave the machine.
  const t = await buildTestApp({ webhookIntervalMs: 2 ** 30, limits: { accessRequests: 100_000 } });
  const admin = await createAdmin(t);
  const organisationId = await createOrganisation(t.app, admin);
  const practitioner = await createPractitioner(t.app, admin, organisationId);
  const client = await createClient(t, admin, organisationId);
  const citizen = await signUpCitizen(t.app);
  const other = await signUpCitizen(t.app);
  // Accounts the fuzz may disable by id.
  const spareOrg = await createOrganisation(t.app, admin);
  const spare = await createPractitioner(t.app, admin, spareOrg);
  const spareClient = await createClient(t, admin, spareOrg);

  const world: World = {
    t,
    tokens: {
      citizen: citizen.token,
      practitioner: practitioner.token,
      client: client.token,
      admin: admin.token,
      none: undefined,
      garbage: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    },
    citizen,
    other,
    admin,
    practitioner,
    client,
    organisationId,
    ids: {
      subjectId: [citizen.subjectId, other.subjectId],
      orgId: [organisationId, spareOrg],
      accountId: [spare.accountId, spareClient.clientId],
      id: [],
    },
    words: [],
  };
  const categories = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/categories' })).json().items.map((c: { code: string }) => c.code);
  const types = (await t.app.inject({ method: 'GET', url: '/v1/catalogue/types' })).json().items.map((c: { code: string }) => c.code);
  world.words = [
    ...categories,
    ...types,
    'read',
    'append',
    'direct-care',
    'social-prescribing',
    'gp-practice',
    'provider',
    'link-worker',
    'gp',
    'score',
    'value',
    'ge',
    'lt',
    'self-harm-risk',
    'password',
    'refresh_token',
    'client_credentials',
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    citizen.handle,
    practitioner.handle,
    'json',
    'fhir',
  ];
  await replenish(world);
  for (const type of ['phq9', 'note', 'heart-rate']) {
    const body = type === 'phq9' ? { answers: [1, 2, 3, 0, 1, 2, 3, 0, 3] } : type === 'note' ? { text: 'hello' } : { value: 72 };
    world.ids.id!.push((await addRecord(t.app, citizen, { type, effectiveAt: '2026-03-01T10:00:00Z', ...body })).id);
  }
  // A matching record raises an alert, so /v1/alerts/{id}/ack has something to find.
  await addRecord(t.app, citizen, { type: 'phq9', effectiveAt: '2026-03-02T10:00:00Z', answers: [3, 3, 3, 3, 3, 3, 3, 3, 3] });
  const alerts = (await t.app.inject({ method: 'GET', url: '/v1/alerts', headers: { authorization: `Bearer ${practitioner.token}` } })).json();
  for (const a of alerts.items as { id: string }[]) world.ids.id!.push(a.id);
  return world;
}

/** Grants the fuzz may have revoked are given again, so supporter routes keep reaching storage. */
async function replenish(w: World): Promise<void> {
  const everything = ['mental-wellbeing', 'health-status', 'healthy-living', 'goals', 'notes', 'wellbeing'];
  for (const [grantee, access] of [
    [{ accountId: w.practitioner.accountId }, 'read'],
    [{ accountId: w.practitioner.accountId }, 'append'],
    [{ organisationId: w.organisationId }, 'read'],
    [{ organisationId: w.organisationId }, 'append'],
  ] as const) {
    const g = await grant(w.t.app, w.citizen, { grantee, access, categories: everything });
    w.ids.id!.push(g.id);
  }
  // A pending access request and a watch, for approve/deny and the watch deletions.
  const auth = { authorization: `Bearer ${w.practitioner.token}` };
  await w.t.app.inject({ method: 'POST', url: `/v1/subjects/${w.citizen.subjectId}/access-requests`, headers: auth, payload: { access: 'read', categories: ['goals'], purpose: 'direct-care' } });
  const pending = await w.t.app.inject({ method: 'GET', url: '/v1/me/access-requests?status=pending&limit=1', headers: { authorization: `Bearer ${w.citizen.token}` } });
  for (const r of (pending.json().items ?? []) as { id: string }[]) w.ids.id!.push(r.id);
  const watch = await w.t.app.inject({ method: 'POST', url: `/v1/subjects/${w.citizen.subjectId}/watches`, headers: auth, payload: { type: 'phq9', flag: 'self-harm-risk' } });
  if (watch.statusCode === 201) w.ids.id!.push(watch.json().id);
  // Keep the id pool from growing without bound over a long run.
  if (w.ids.id!.length > 64) w.ids.id!.splice(8, w.ids.id!.length - 64);
}

// ---------------------------------------------------------------------------------------------
// OpenAPI → operations → request arbitraries.

function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as { parameters?: { in: string; name: string; schema: JsonSchema }[]; requestBody?: { content: Record<string, { schema: JsonSchema }> } };
      const params = op.parameters ?? [];
      const bodies: Record<string, JsonSchema> = {};
      for (const [type, c] of Object.entries(op.requestBody?.content ?? {})) bodies[type] = c.schema;
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        headers: params.filter((p) => p.in === 'header').map((p) => ({ name: p.name, schema: p.schema })),
        bodies,
      });
    }
  }
  return ops;
}

const isoDate = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A value the schema accepts (mostly): the generator's idea of a well-formed request. */
function valid(schema: JsonSchema, w: World, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => valid(s, w, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...Object.values(w.ids).flat()), fc.uuid());
      if (schema.format === 'date-time') return isoDate;
      const max = schema.maxLength ?? 64;
      const min = schema.minLength ?? 0;
      if (schema.description?.includes('RFC 3339')) return fc.oneof(isoDate, isoDate.map((d) => d.slice(0, 10)));
      const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
      const words = w.words.filter((x) => x.length >= min && x.length <= max && (!pattern || pattern.test(x)));
      const random = pattern ? fc.stringMatching(pattern, { size: 'small' }) : fc.string({ minLength: min, maxLength: Math.min(max, Math.max(min, 24)) });
      return words.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...words) }, { weight: 1, arbitrary: random }) : random;
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -5, max: schema.maximum ?? 30 });
    case 'number':
      return fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 6) return fc.constant([]);
      return fc.array(valid(schema.items ?? {}, w, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      });
    }
    case 'object': {
      const props = schema.properties ?? {};
      if (Object.keys(props).length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) model[k] = depth > 6 ? fc.constant(null) : valid(s, w, depth + 1);
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in props) as never[] });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Hand-made bodies that pass validation, so the fuzz also drives the services behind it. */
function examples(op: Operation, w: World): fc.Arbitrary<unknown>[] {
  const at = isoDate;
  const future = fc.date({ min: new Date(Date.now() + 86_400_000), max: new Date(Date.now() + 300 * 86_400_000), noInvalidDate: true }).map((d) => d.toISOString());
  const text = fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom(...oddStrings));
  const answers = (n: number, min: number, max: number) => fc.array(fc.integer({ min, max }), { minLength: n, maxLength: n });
  const measure = (type: string, units: string[], min: number, max: number) =>
    fc.record(
      { type: fc.constant(type), effectiveAt: at, value: fc.double({ min, max, noNaN: true }), unit: fc.constantFrom(...units), detail: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }) },
      { requiredKeys: ['type', 'effectiveAt', 'value'] },
    );
  const record = fc.oneof(
    fc.record({ type: fc.constant('note'), effectiveAt: at, text }),
    fc.record({ type: fc.constant('goal'), effectiveAt: at, text, progress: fc.integer({ min: 0, max: 10 }) }),
    fc.record({ type: fc.constant('phq9'), effectiveAt: at, answers: answers(9, 0, 3) }),
    fc.record({ type: fc.constant('gad7'), effectiveAt: at, answers: answers(7, 0, 3) }),
    fc.record({ type: fc.constant('swemwbs'), effectiveAt: at, answers: answers(7, 1, 5) }),
    fc.record({ type: fc.constant('wemwbs'), effectiveAt: at, answers: answers(14, 1, 5) }),
    fc.record({ type: fc.constant('ons4'), effectiveAt: at, answers: answers(4, 0, 10) }),
    fc.record({ type: fc.constant('ucla3'), effectiveAt: at, answers: answers(3, 1, 3) }),
    fc.record({
      type: fc.constant('blood-pressure'),
      effectiveAt: at,
      value: fc.record({ systolic: fc.integer({ min: 60, max: 250 }), diastolic: fc.integer({ min: 30, max: 150 }) }),
      unit: fc.constantFrom('mm[Hg]', 'kPa'),
    }),
    measure('heart-rate', ['/min', '{beats}/min'], 20, 250),
    measure('steps', ['1', '{steps}'], 0, 100_000),
    measure('sleep-duration', ['h', 'min', 's'], 0, 24),
    measure('blood-glucose', ['mmol/L', 'mg/dL'], 1, 40),
    measure('weight', ['kg', 'g', '[lb_av]', '[stone_av]'], 1, 300),
    measure('bmi', ['kg/m2'], 10, 60),
  );
  const categories = fc.subarray(['mental-wellbeing', 'health-status', 'healthy-living', 'goals', 'notes', 'wellbeing'], { minLength: 1 });
  const terms = fc.record(
    {
      grantee: fc.oneof(
        { weight: 4, arbitrary: fc.record({ accountId: fc.constantFrom(w.practitioner.accountId, w.client.clientId) }) },
        { weight: 2, arbitrary: fc.record({ organisationId: fc.constant(w.organisationId) }) },
        { weight: 1, arbitrary: fc.record({ accountId: fc.constantFrom(w.citizen.accountId, w.admin.accountId, randomUUID()) }) },
      ),
      access: fc.constantFrom('read', 'append'),
      categories,
      types: fc.constantFrom(['phq9'], ['note', 'goal'], ['heart-rate']),
      from: fc.constantFrom('2020-01-01', '2026-01-01T00:00:00Z'),
      to: fc.constantFrom('2030-12-31', '2027-01-01T00:00:00Z'),
      purpose: fc.constantFrom('direct-care', 'social-prescribing', 'care-coordination'),
      purposeText: text,
      expiresAt: future,
    },
    { requiredKeys: ['grantee', 'access', 'categories', 'purpose'] },
  );
  switch (op.key) {
    case 'POST /v1/me/records':
    case 'POST /v1/subjects/{subjectId}/records':
      return [record];
    case 'POST /v1/subjects/{subjectId}/records/batch':
      return [fc.record({ records: fc.array(record, { minLength: 1, maxLength: 5 }) })];
    case 'POST /v1/me/grants':
    case 'POST /v1/me/grants/preview':
      return [terms];
    case 'POST /v1/subjects/{subjectId}/access-requests':
      return [terms.map(({ grantee: _grantee, ...rest }) => rest)];
    case 'POST /v1/me/access-requests/{id}/approve':
      return [fc.record({ categories, expiresAt: future }, { requiredKeys: [] })];
    case 'POST /v1/subjects/{subjectId}/watches':
      return [
        fc.record({ type: fc.constantFrom('phq9', 'heart-rate', 'blood-pressure', 'note'), field: fc.constantFrom('score', 'value', 'systolic', 'nope'), op: fc.constantFrom('ge', 'lt', 'drop-by', 'eq'), threshold: fc.double({ noNaN: true }) }),
        fc.record({ type: fc.constant('phq9'), flag: fc.constantFrom('self-harm-risk', 'other') }),
      ];
    case 'POST /v1/organisations':
      return [fc.record({ name: fc.string({ minLength: 1, maxLength: 30 }), kind: fc.constantFrom('gp-practice', 'social-prescribing', 'provider', 'other', 'bank') })];
    case 'POST /v1/organisations/{orgId}/clients':
      return [fc.record({ name: fc.string({ minLength: 1 }), jwks: fc.record({ keys: fc.constantFrom([w.client.jwk], [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }], [{ kty: 'RSA', n: 'x', e: 'AQAB' }], [{}]) }) })];
    case 'PUT /v1/organisations/{orgId}/webhook':
      return [fc.record({ url: fc.constantFrom('https://hooks.example.invalid/tessera', 'http://127.0.0.1:9/hook', 'http://example.invalid/hook', 'ftp://x.invalid/', 'https://' + 'a'.repeat(2040)) })];
    case 'POST /v1/token':
      return [
        fc.record({ grant_type: fc.constant('password'), username: fc.constantFrom(w.citizen.handle, 'nobody-here', ''), password: fc.oneof(fc.string(), fc.constant(strongPassword)) }),
        fc.record({ grant_type: fc.constant('refresh_token'), refresh_token: fc.oneof(fc.string(), fc.constantFrom(...oddStrings)) }),
        fc.record({
          grant_type: fc.constant('client_credentials'),
          client_assertion_type: fc.constant('urn:ietf:params:oauth:client-assertion-type:jwt-bearer'),
          client_assertion: fc.constantFrom('a.b.c', 'eyJhbGciOiJFZERTQSJ9.e30.AAAA', 'x'.repeat(16_000)),
        }),
      ];
    case 'POST /v1/token/revoke':
      return [fc.record({ token: fc.oneof(fc.string(), fc.constantFrom(...oddStrings)) })];
    case 'DELETE /v1/me':
      return [fc.record({ password: fc.string() })];
    default:
      return [];
  }
}

/** Leaves of a JSON value, as paths, so a mutation can pick one. */
function leafPaths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (value && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    if (entries.length === 0) out.push(prefix);
    for (const [k, v] of entries) leafPaths(v, [...prefix, k], out);
  } else out.push(prefix);
  return out;
}

function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  copy[head] = setAt(copy[head], rest, replacement);
  return copy;
}

type Mutation = (body: unknown, pick: number) => { payload: string | Buffer; why: string };

const wrongValues: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', 'x', [], {}, [1, 'a'], { a: 1 }, '\u0000', 2 ** 53 + 1];

const mutations: Mutation[] = [
  (b, n) => {
    const leaves = leafPaths(b);
    const path = leaves[n % leaves.length]!;
    const wrong = wrongValues[n % wrongValues.length];
    return { payload: JSON.stringify(setAt(b, path, wrong)), why: `wrong type at ${path.join('.')}` };
  },
  (b, n) => {
    if (!b || typeof b !== 'object' || Array.isArray(b)) return { payload: JSON.stringify(b), why: 'as is' };
    const keys = Object.keys(b);
    const drop = keys[n % Math.max(keys.length, 1)];
    const copy = { ...(b as Record<string, unknown>) };
    if (drop) delete copy[drop];
    return { payload: JSON.stringify(copy), why: `without ${drop}` };
  },
  (b) => ({ payload: JSON.stringify(b && typeof b === 'object' && !Array.isArray(b) ? { ...b, unexpectedField: 1 } : b), why: 'extra field' }),
  (b, n) => {
    const leaves = leafPaths(b);
    const path = leaves[n % leaves.length]!;
    const odd = oddStrings[n % oddStrings.length];
    return { payload: JSON.stringify(setAt(b, path, odd)), why: `odd string at ${path.join('.')}` };
  },
  (b, n) => {
    const leaves = leafPaths(b);
    const path = leaves[n % leaves.length]!;
    return { payload: JSON.stringify(setAt(b, path, n % 2 ? hugeAscii : hugeUnicode)), why: `900 KB string at ${path.join('.')}` };
  },
  (b, n) => {
    const depth = [64, 200, 1000, 10_000, 100_000][n % 5]!;
    const kind = n % 2 ? 'array' : 'object';
    return n % 3 === 0
      ? { payload: deepJson(depth, kind), why: `${kind} nested ${depth} deep` }
      : { payload: splice(b, deepJson(depth, kind)), why: `detail nested ${depth} deep (${kind})` };
  },
  (b, n) => {
    // Many keys and a wide array: width, not depth.
    const wide = n % 2 ? Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])) : Array.from({ length: 100_000 }, () => 0);
    return { payload: JSON.stringify(b && typeof b === 'object' && !Array.isArray(b) ? { ...b, detail: wide } : wide), why: n % 2 ? '20k keys' : '100k-element array' };
  },
  (_b, n) => ({ payload: malformedJson[n % malformedJson.length]!, why: 'malformed JSON' }),
  (_b, n) => ({ payload: invalidUtf8[n % invalidUtf8.length]!, why: 'invalid UTF-8' }),
  (b) => ({ payload: JSON.stringify(b).replace(/"/, '"\\ud800'), why: 'lone surrogate escape' }),
];

interface Built {
  payload?: string | Buffer;
  contentType?: string;
  why: string;
}

function bodyArb(op: Operation, w: World): fc.Arbitrary<Built> {
  const jsonSchema = op.bodies['application/json'];
  const takesForm = 'application/x-www-form-urlencoded' in op.bodies;
  const good: fc.Arbitrary<unknown>[] = [...examples(op, w)];
  if (jsonSchema) good.push(valid(jsonSchema, w));
  if (good.length === 0) good.push(fc.constant({}));
  const base = fc.oneof(...good);
  const json = fc.constantFrom('application/json', 'application/json; charset=utf-8');
  const arbs: fc.WeightedArbitrary<Built>[] = [
    { weight: 30, arbitrary: fc.tuple(base, json).map(([b, ct]) => ({ payload: JSON.stringify(b), contentType: ct, why: 'schema-valid' })) },
    {
      weight: 40,
      arbitrary: fc.tuple(base, fc.nat(), fc.nat({ max: mutations.length - 1 }), json).map(([b, n, m, ct]) => {
        const { payload, why } = mutations[m]!(b, n);
        return { payload, contentType: ct, why };
      }),
    },
    {
      weight: 8,
      arbitrary: fc.tuple(base, fc.constantFrom(...contentTypes)).map(([b, ct]) => ({ payload: JSON.stringify(b), contentType: ct, why: `content type "${ct.slice(0, 40)}"` })),
    },
    { weight: 4, arbitrary: fc.jsonValue().map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json', why: 'random JSON' })) },
    { weight: 4, arbitrary: fc.constantFrom<Built>({ why: 'no body' }, { contentType: 'application/json', why: 'no body, JSON type' }, { payload: '', contentType: 'application/json', why: 'empty body' }) },
    {
      weight: takesForm ? 20 : 4,
      arbitrary: fc.tuple(base, fc.boolean()).map(([b, dup]) => {
        const pairs = Object.entries(b && typeof b === 'object' ? b : { v: b }).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v) ?? '']);
        if (dup && pairs[0]) pairs.push(pairs[0]);
        return { payload: new URLSearchParams(pairs).toString(), contentType: 'application/x-www-form-urlencoded', why: dup ? 'form, a field twice' : 'form' };
      }),
    },
  ];
  return fc.oneof(...arbs);
}

function pathArb(op: Operation, w: World): fc.Arbitrary<string> {
  if (op.pathParams.length === 0) return fc.constant(op.path);
  const param = (name: string) =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...(w.ids[name]?.length ? w.ids[name]! : w.ids.id!.length ? w.ids.id! : [randomUUID()])) },
      { weight: 2, arbitrary: fc.constantFrom(...Object.values(w.ids).flat()) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: fc.constantFrom(...badIds) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent) },
    );
  return fc.tuple(...op.pathParams.map(param)).map((values) => {
    let path = op.path;
    op.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, values[i]!)));
    return path;
  });
}

function queryArb(op: Operation, w: World): fc.Arbitrary<string> {
  const one = (q: { name: string; schema: JsonSchema }) =>
    fc.oneof(
      { weight: 5, arbitrary: valid(q.schema, w).map((v) => (Array.isArray(v) ? v : [v]).map((x) => [q.name, String(x)])) },
      { weight: 1, arbitrary: fc.constantFrom(...wrongValues).map((v) => [[q.name, typeof v === 'string' ? v : JSON.stringify(v)]]) },
      { weight: 1, arbitrary: fc.constantFrom(...oddStrings).map((v) => [[q.name, v]]) },
      { weight: 1, arbitrary: fc.tuple(valid(q.schema, w), valid(q.schema, w)).map(([a, b]) => [[q.name, String(a)], [q.name, String(b)]]) },
      ...(q.name === 'cursor' ? [{ weight: 4, arbitrary: fc.constantFrom(...badCursors).map((c) => [[q.name, c]]) }] : []),
    );
  const parts = op.query.map((q) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: one(q) }));
  const extra = fc.oneof(
    { weight: 7, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.constantFrom<[string, string]>(['limit', '0'], ['limit', '-1'], ['limit', '1e9'], ['limit', 'abc'], ['cursor', 'x'], ['format', 'xml'], ['__proto__', 'x'], ['a[b]', 'c']),
        fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })),
      ),
    },
  );
  const rawSuffix = fc.oneof(
    { weight: 12, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constantFrom('&', '&&=', '%zz=1', '=%', '?', '#frag', '&limit=%ED%A0%80', '&' + 'a=1&'.repeat(2000)) },
  );
  return fc.tuple(fc.tuple(...parts), extra, rawSuffix).map(([ps, ex, raw]) => {
    const pairs = ps.flatMap((p) => p ?? []) as [string, string][];
    if (ex) pairs.push(ex);
    const s = new URLSearchParams(pairs).toString() + raw;
    return s ? `?${s}` : '';
  });
}

function headerArb(op: Operation): fc.Arbitrary<{ headers: Record<string, string>; why: string }> {
  const idem = op.headers.some((h) => h.name === 'idempotency-key')
    ? fc.option(fc.oneof(fc.uuid(), fc.constantFrom('', ' ', 'a'.repeat(256), 'é', 'a b', '\u0000', 'k, k', 'x'.repeat(20_000)), fc.string({ maxLength: 30 })), { nil: undefined })
    : fc.constant(undefined);
  const extras = fc.constantFrom<[string, string][]>(
    [],
    [],
    [],
    [['accept', 'application/xml']],
    [['accept', 'text/event-stream']],
    [['accept-encoding', 'gzip, br']],
    [['x-forwarded-for', '1.2.3.4, ::1, garbage']],
    [['x-request-id', '\u0000'.repeat(3)]],
    [['x-fuzz', 'v'.repeat(60_000)]],
    [['if-none-match', '*']],
    [['range', 'bytes=0-1']],
    [['expect', '100-continue']],
    [['origin', 'https://evil.example.invalid']],
    [['accept-version', '1.x']],
    [['idempotency-key', 'dup-1, dup-2']],
  );
  return fc.tuple(idem, extras).map(([key, ex]) => {
    const headers: Record<string, string> = Object.fromEntries(ex);
    if (key !== undefined) headers['idempotency-key'] = key;
    return { headers, why: ex.length ? `header ${ex[0]![0]}` : '' };
  });
}

const actors: ActorKind[] = ['citizen', 'practitioner', 'client', 'admin', 'none', 'garbage'];

/** Half the time the kind of account the route is for (from its path), so requests get past 401/403. */
function actorArb(op: Operation): fc.Arbitrary<ActorKind> {
  const p = op.path;
  const owners: ActorKind[] = p.startsWith('/v1/me')
    ? ['citizen']
    : p.startsWith('/v1/subjects') || p.startsWith('/v1/alerts') || p === '/v1/grants'
      ? ['practitioner', 'client']
      : p.startsWith('/v1/organisations')
        ? ['admin']
        : actors;
  return fc.oneof(fc.constantFrom(...owners), fc.constantFrom(...actors));
}

function authHeader(w: World, actor: ActorKind, style: number): string | undefined {
  if (actor === 'none') return [undefined, undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer ' + 'a'.repeat(9000)][style % 7];
  // The scheme is case-insensitive (RFC 9110 §11.1).
  return `${style % 17 === 0 ? 'bearer' : 'Bearer'} ${w.tokens[actor]}`;
}

function requestArb(op: Operation, w: World): fc.Arbitrary<FuzzRequest> {
  const hasBody = Object.keys(op.bodies).length > 0;
  const body = hasBody ? bodyArb(op, w) : fc.oneof({ weight: 9, arbitrary: fc.constant<Built>({ why: '' }) }, { weight: 1, arbitrary: bodyArb(op, w) });
  const method = fc.oneof(
    { weight: 18, arbitrary: fc.constant(op.method) },
    { weight: 1, arbitrary: fc.constantFrom(...(op.method === 'GET' ? ['HEAD', 'OPTIONS'] : ['OPTIONS', 'PATCH', 'PUT', 'GET'])) },
  );
  return fc.tuple(actorArb(op), fc.nat(), pathArb(op, w), queryArb(op, w), body, headerArb(op), method).map(([actor0, style, p, q, b, h, m]) => {
    // The alert stream never ends for a supporter; it is exercised over a real socket instead.
    const actor = op.path === '/v1/alerts/stream' && (actor0 === 'practitioner' || actor0 === 'client') ? 'none' : actor0;
    const headers: Record<string, string> = { ...h.headers };
    const auth = authHeader(w, actor, style);
    if (auth !== undefined) headers.authorization = auth;
    if (b.contentType !== undefined) headers['content-type'] = b.contentType;
    const why = [b.why, h.why, m !== op.method ? `method ${m}` : ''].filter(Boolean).join('; ');
    return { op: op.key, actor, method: m, url: p + q, headers, ...(b.payload !== undefined ? { payload: b.payload } : {}), why };
  });
}

// ---------------------------------------------------------------------------------------------

/** What is wrong with an answer, or null. */
function checkAnswer(method: string, url: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }): string | null {
  const status = res.statusCode;
  if (status >= 500) return `${status} answer`;
  if (status < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  // The path the request reached: URL parsing resolves dot segments, so a generated
  // `/v1/delegations/%2e%2e/token` is a request to `/v1/token`.
  const path = new URL(url, 'http://fuzz.invalid').pathname;
  const oauth = method === 'POST' && oauthPaths.has(path);
  const fhir = path.startsWith('/fhir/');
  const expected = oauth ? /^application\/json\b/ : fhir ? /^application\/fhir\+json\b/ : /^application\/problem\+json\b/;
  if (!expected.test(type)) return `${status} with content type "${type}"`;
  if (method === 'HEAD') return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    return `${status} body is not JSON`;
  }
  if (oauth) {
    if (typeof body.error !== 'string' || typeof body.error_description !== 'string') return `${status} without RFC 6749 error/error_description`;
    return null;
  }
  if (fhir) {
    const issue = (body.issue as { severity?: unknown; code?: unknown; diagnostics?: unknown }[] | undefined)?.[0];
    if (body.resourceType !== 'OperationOutcome' || typeof issue?.code !== 'string' || typeof issue.diagnostics !== 'string') return `${status} OperationOutcome without an issue`;
    return null;
  }
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string' || body.status !== status) {
    return `${status} problem without type/title/status/detail`;
  }
  return null;
}

function show(r: FuzzRequest): string {
  const payload = r.payload === undefined ? '' : ` body(${r.payload.length}) ${String(r.payload).slice(0, 200)}`;
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${k === 'authorization' ? v.slice(0, 12) + '…' : v.slice(0, 60)}`)
    .join(', ');
  return `${r.actor} ${r.method} ${r.url.slice(0, 200)} [${headers}]${payload} (${r.why})`;
}

/**
 * Fuzzes every operation of the built app's /openapi.json with `requests` requests.
 * @returns the figures; the caller asserts on them
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  // Requests per generated batch; the heap is sampled after each.
  const batchSize = 250;
  const log = options.log ?? (() => {});
  const gc = exposeGc();
  const w = await buildWorld();
  const report: FuzzReport = {
    requests: 0,
    seed,
    operations: 0,
    durationMs: 0,
    statuses: {},
    perOperation: {},
    fiveHundreds: 0,
    badErrorBodies: 0,
    hangs: 0,
    failures: [],
    heap: { samplesMb: [], baselineMb: 0, finalMb: 0, growthMb: 0, peakRssMb: 0 },
  };
  try {
    const doc = (await w.t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const ops = operationsOf(doc);
    report.operations = ops.length;
    const arb = fc.oneof(...ops.map((op) => requestArb(op, w)));
    const heap = () => {
      gc();
      const m = process.memoryUsage();
      report.heap.peakRssMb = Math.max(report.heap.peakRssMb, m.rss / MB);
      return m.heapUsed / MB;
    };
    const send = async (r: FuzzRequest) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          w.t.app.inject({ method: r.method as 'GET', url: r.url, headers: r.headers, ...(r.payload !== undefined ? { payload: r.payload } : {}) }),
          new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 20_000))),
        ]);
      } finally {
        clearTimeout(timer);
      }
    };
    // One batch of generated requests is alive at a time; the heap is sampled between batches,
    // when nothing of the last batch is reachable any more.
    const runBatch = async (n: number) => {
      for (const r of fc.sample(arb, { seed: seed + report.requests, numRuns: n })) {
        const res = await send(r);
        report.requests++;
        const per = (report.perOperation[r.op] ??= { requests: 0, ok: 0, statuses: {} });
        per.requests++;
        if (!res) {
          report.hangs++;
          report.failures.push({ why: 'no answer within 20 s', request: show(r), status: 0, body: '' });
          continue;
        }
        options.trace?.(show(r), res.statusCode, res.body);
        report.statuses[res.statusCode] = (report.statuses[res.statusCode] ?? 0) + 1;
        per.statuses[res.statusCode] = (per.statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode < 300) per.ok++;
        const problem = checkAnswer(r.method, r.url, res);
        if (problem) {
          if (res.statusCode >= 500) report.fiveHundreds++;
          else report.badErrorBodies++;
          if (report.failures.length < 100) report.failures.push({ why: problem, request: show(r), status: res.statusCode, body: res.body.slice(0, 400) });
        }
      }
      await replenish(w);
    };
    report.heap.samplesMb.push(heap());
    while (report.requests < options.requests) {
      await runBatch(Math.min(batchSize, options.requests - report.requests));
      report.heap.samplesMb.push(heap());
      log(`fuzz: ${report.requests} requests, ${report.fiveHundreds} 5xx, ${report.badErrorBodies} non-problem 4xx, heap ${report.heap.samplesMb.at(-1)!.toFixed(1)} MB`);
    }
  } finally {
    await w.t.close();
  }
  // The first tenth warms the JIT, caches and prepared statements. Growth compares the median of
  // the last third of the rest with the median of its first third, so one noisy sample (a large
  // body not yet collected) neither hides nor fakes a trend.
  const settled = report.heap.samplesMb.slice(Math.max(1, Math.floor(report.heap.samplesMb.length / 10)));
  const third = Math.max(1, Math.floor(settled.length / 3));
  report.heap.baselineMb = median(settled.slice(0, third));
  report.heap.finalMb = median(settled.slice(-third));
  report.heap.growthMb = report.heap.finalMb - report.heap.baselineMb;
  report.durationMs = Date.now() - started;
  return report;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The one-line summary the issue asks for. */
export function fuzzSummary(r: FuzzReport): string {
  const ok = Object.entries(r.statuses)
    .filter(([s]) => Number(s) < 300)
    .reduce((a, [, n]) => a + n, 0);
  const reached = Object.values(r.perOperation).filter((o) => o.ok > 0).length;
  return (
    `fuzz: ${r.requests} requests over ${r.operations} operations, ${r.fiveHundreds} 5xx, ${r.badErrorBodies} non-problem 4xx, ${r.hangs} hangs; ` +
    `${ok} 2xx (${reached}/${r.operations} operations answered 2xx at least once); heap ${r.heap.baselineMb.toFixed(1)} → ${r.heap.finalMb.toFixed(1)} MB ` +
    `(growth ${r.heap.growthMb.toFixed(1)} MB), peak RSS ${r.heap.peakRssMb.toFixed(0)} MB; seed ${r.seed}; ${(r.durationMs / 1000).toFixed(1)} s`
  );
}
