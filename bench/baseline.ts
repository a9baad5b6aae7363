import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { createVerifier } from 'fast-jwt';
import { initCrypto } from '../src/crypto/aead.js';
import { openRecord, sealRecord, unwrapDataKey } from '../src/crypto/envelope.js';
import { Keyring } from '../src/crypto/keyring.js';

/**
 * The stack baseline: what the same work costs on the same stack with none of Tessera's layers.
 * A bare Fastify server on the same SQLite file (same pragmas: WAL, synchronous=FULL) with
 *
 * - `GET /slice/:subjectId`: one EdDSA JWT verify (fast-jwt, no cache), one grant lookup, the
 *   wrapped data key read and unwrapped, the same indexed slice query (50 newest rows of the
 *   granted categories), and the same per-row XChaCha20-Poly1305 open (with its associated data)
 *   and JSON parse, answered as JSON. No session lookup, no access log, no schemas, no hooks.
 * - `GET /slice-cached/:subjectId`: the same with fast-jwt's verified-token cache, as Tessera
 *   configures it, for a stricter comparison.
 * - `POST /ingest/:subjectId`: parse a record body, open the data key, seal it, insert one row
 *   (one commit, so one fsync), answer 201.
 *
 * Env: BASELINE_PORT, BASELINE_DB, BASELINE_KEYS, BASELINE_ISSUER, BASELINE_CATEGORIES (JSON);
 * BASELINE_PG_URL runs the same routes on that PostgreSQL database instead of the SQLite file
 * (node-postgres pool, the same queries; `npm run bench -- --postgres`).
 */

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`baseline: ${name} is required`);
  return v;
};

await initCrypto();
const keyring = new Keyring(JSON.parse(fs.readFileSync(env('BASELINE_KEYS'), 'utf8')));
const issuer = env('BASELINE_ISSUER');
const categories = JSON.parse(env('BASELINE_CATEGORIES')) as string[];

/** The three queries the routes make, on SQLite or PostgreSQL. */
interface Store {
  grants(subjectId: string, now: number, accountId: string): Promise<{ access: string }[]>;
  key(subjectId: string): Promise<{ kek_id: string; wrapped_key: Buffer } | undefined>;
  slice(subjectId: string): Promise<Tuple[]>;
  insert(id: string, subjectId: string, type: string, effectiveAt: number, now: number, payload: Buffer): Promise<void>;
  close(): Promise<void>;
}

const sliceColumns = 'id, subject_id, category, type, effective_at, created_at, source_kind, source_account_id, source_organisation_id, schema_version, payload';

function sqliteStore(file: string): Store {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const grantStmt = db.prepare(
    `SELECT id, access, categories FROM grants WHERE subject_id = ? AND revoked_at IS NULL AND expires_at > ?
     AND (grantee_account_id = ? OR grantee_organisation_id = ?)`,
  );
  const keyStmt = db.prepare('SELECT kek_id, wrapped_key FROM subject_keys WHERE subject_id = ?');
  const sliceStmt = db
    .prepare(`SELECT ${sliceColumns} FROM records WHERE subject_id = ? AND category IN (${categories.map(() => '?').join(', ')}) ORDER BY effective_at DESC, id DESC LIMIT 51`)
    .raw(true);
  const insertStmt = db.prepare(
    `INSERT INTO records (id, subject_id, category, type, effective_at, created_at, source_kind, source_account_id,
     source_organisation_id, schema_version, payload) VALUES (?, ?, 'health-status', ?, ?, ?, 'practitioner', ?, NULL, 1, ?)`,
  );
  return {
    grants: async (subjectId, now, accountId) => grantStmt.all(subjectId, now, accountId, '') as { access: string }[],
    key: async (subjectId) => keyStmt.get(subjectId) as { kek_id: string; wrapped_key: Buffer } | undefined,
    slice: async (subjectId) => sliceStmt.all(subjectId, ...categories) as Tuple[],
    insert: async (id, subjectId, type, effectiveAt, now, payload) => {
      insertStmt.run(id, subjectId, type, effectiveAt, now, subjectId, payload);
    },
    close: async () => {
      db.close();
    },
  };
}

function postgresStore(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // Epoch ms columns are bigint: read them as numbers, as drizzle's mode 'number' does.
  const int8 = (v: string) => Number(v);
  const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? int8 : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig;
  const inList = categories.map((_, i) => `$${i + 2}`).join(', ');
  return {
    grants: async (subjectId, now, accountId) =>
      (
        await pool.query({
          name: 'grants',
          text: `SELECT id, access, categories FROM grants WHERE subject_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND (grantee_account_id = $3 OR grantee_organisation_id = $4)`,
          values: [subjectId, now, accountId, ''],
        })
      ).rows as { access: string }[],
    key: async (subjectId) => (await pool.query({ name: 'key', text: 'SELECT kek_id, wrapped_key FROM subject_keys WHERE subject_id = $1', values: [subjectId] })).rows[0],
    slice: async (subjectId) =>
      (
        await pool.query({
          name: 'slice',
          text: `SELECT ${sliceColumns} FROM records WHERE subject_id = $1 AND category IN (${inList}) ORDER BY effective_at DESC, id DESC LIMIT 51`,
          values: [subjectId, ...categories],
          rowMode: 'array',
          types,
        })
      ).rows as Tuple[],
    insert: async (id, subjectId, type, effectiveAt, now, payload) => {
      await pool.query({
        name: 'insert',
        text: `INSERT INTO records (id, subject_id, category, type, effective_at, created_at, source_kind, source_account_id, source_organisation_id, schema_version, payload)
               VALUES ($1, $2, 'health-status', $3, $4, $5, 'practitioner', $2, NULL, 1, $6)`,
        values: [id, subjectId, type, effectiveAt, now, payload],
      });
    },
    close: () => pool.end(),
  };
}

const store = process.env.BASELINE_PG_URL ? postgresStore(process.env.BASELINE_PG_URL) : sqliteStore(env('BASELINE_DB'));

interface Claims {
  sub: string;
}
const verifierOptions = {
  key: keyring.signing.publicPem,
  algorithms: ['EdDSA' as const],
  allowedIss: issuer,
  allowedAud: issuer,
  requiredClaims: ['sub', 'sid', 'exp', 'iat'],
};
const verifyUncached = createVerifier({ ...verifierOptions, cache: false });
const verifyCached = createVerifier({ ...verifierOptions, cache: 10_000 });

interface Row {
  id: string;
  subject_id: string;
  category: string;
  type: string;
  effective_at: number;
  created_at: number;
  source_kind: string;
  source_account_id: string;
  source_organisation_id: string | null;
  schema_version: number;
  payload: Buffer;
}

type Tuple = [string, string, string, string, number, number, string, string, string | null, number, Buffer];
const toRow = (t: Tuple): Row => ({
  id: t[0],
  subject_id: t[1],
  category: t[2],
  type: t[3],
  effective_at: t[4],
  created_at: t[5],
  source_kind: t[6],
  source_account_id: t[7],
  source_organisation_id: t[8],
  schema_version: t[9],
  payload: t[10],
});

async function dataKey(subjectId: string): Promise<Uint8Array> {
  const k = await store.key(subjectId);
  if (!k) throw new Error('no key');
  return unwrapDataKey(keyring.kek(k.kek_id), k.kek_id, subjectId, new Uint8Array(k.wrapped_key));
}

async function slice(verify: (token: string) => Claims, authorization: string | undefined, subjectId: string) {
  const claims = verify((authorization ?? '').replace(/^Bearer\s+/i, ''));
  const grants = await store.grants(subjectId, Date.now(), claims.sub);
  if (!grants.some((g) => g.access === 'read')) return null;
  const dek = await dataKey(subjectId);
  const rows = (await store.slice(subjectId)).map(toRow);
  const page = rows.slice(0, 50);
  const items = page.map((r) => ({
    id: r.id,
    subjectId: r.subject_id,
    category: r.category,
    type: r.type,
    effectiveAt: new Date(r.effective_at).toISOString(),
    createdAt: new Date(r.created_at).toISOString(),
    source: { kind: r.source_kind, accountId: r.source_account_id, organisationId: r.source_organisation_id },
    ...openRecord<Record<string, unknown>>(
      dek,
      // The whole binding of the row's layout (2 for seeded rows), as Tessera opens it.
      {
        id: r.id,
        subjectId: r.subject_id,
        category: r.category,
        type: r.type,
        effectiveAt: r.effective_at,
        schemaVersion: r.schema_version,
        createdAt: r.created_at,
        sourceKind: r.source_kind,
        sourceAccountId: r.source_account_id,
        sourceOrganisationId: r.source_organisation_id,
      },
      new Uint8Array(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength),
    ),
  }));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > 50 && last ? Buffer.from(JSON.stringify({ e: last.effective_at, i: last.id })).toString('base64url') : null };
}

const app = Fastify({ logger: false });

app.get<{ Params: { subjectId: string } }>('/slice/:subjectId', async (request, reply) => {
  const out = await slice(verifyUncached as (t: string) => Claims, request.headers.authorization, request.params.subjectId);
  if (!out) return reply.code(404).send({ status: 404 });
  return out;
});

app.get<{ Params: { subjectId: string } }>('/slice-cached/:subjectId', async (request, reply) => {
  const out = await slice(verifyCached as (t: string) => Claims, request.headers.authorization, request.params.subjectId);
  if (!out) return reply.code(404).send({ status: 404 });
  return out;
});

app.post<{ Params: { subjectId: string }; Body: { type: string; effectiveAt: string; value: number } }>('/ingest/:subjectId', async (request, reply) => {
  const { subjectId } = request.params;
  const body = request.body;
  const id = randomUUID();
  const effectiveAt = Date.parse(body.effectiveAt);
  const binding = { id, subjectId, category: 'health-status', type: body.type, effectiveAt };
  const payload = sealRecord(await dataKey(subjectId), binding, { value: body.value, unit: '/min' });
  await store.insert(id, subjectId, body.type, effectiveAt, Date.now(), Buffer.from(payload));
  reply.code(201);
  return { id, subjectId, category: 'health-status', type: body.type, effectiveAt: body.effectiveAt };
});

await app.listen({ host: '127.0.0.1', port: Number(env('BASELINE_PORT')) });
process.stdout.write('baseline: listening\n');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
}
