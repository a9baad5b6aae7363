import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrapDataKey } from '../../src/crypto/envelope.js';
import { newKek, Keyring } from '../../src/crypto/keyring.js';
import { verifyAccessLog } from '../../src/features/access-log/verify.js';
import { bearer, signUpCitizen } from '../helpers/actors.js';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { addRecord } from '../helpers/consent.js';

/**
 * Erasure on PostgreSQL (README "Running on PostgreSQL", erasure): the person's rows go, the
 * chain keeps a tombstone, VACUUM (FULL) leaves no copy of their sealed bytes in the table files,
 * and a copy taken before erasure (a dump, an archive) stops opening once the KEK is retired.
 */

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('erasure on PostgreSQL', () => {
  it('removes every row of the person, keeps the chain whole, and VACUUM (FULL) leaves none of their bytes in the tables', async () => {
    const pg = t.database.postgres(t.storage).db.$client;
    const p = await signUpCitizen(t.app);
    const rec = await addRecord(t.app, p, { type: 'note', effectiveAt: '2026-03-01T10:00:00Z', text: 'to be erased' });
    const copy = await pg.query<{ kek_id: string; wrapped_key: Buffer }>('SELECT kek_id, wrapped_key FROM subject_keys WHERE subject_id = $1', [p.subjectId]);
    const payload = await pg.query<{ payload: Buffer }>('SELECT payload FROM records WHERE id = $1', [rec.id]);
    const wrapped = copy.rows[0]!.wrapped_key;

    const erased = await t.app.inject({ method: 'DELETE', url: '/v1/me', headers: bearer(p.token), payload: { password: p.password } });
    expect(erased.statusCode, erased.body).toBe(200);

    for (const [table, column] of [
      ['subject_keys', 'subject_id'],
      ['subjects', 'id'],
      ['records', 'subject_id'],
      ['accounts', 'subject_id'],
      ['grants', 'subject_id'],
      ['idempotency_keys', 'subject_id'],
    ] as const) {
      const left = await pg.query(`SELECT 1 FROM ${table} WHERE ${column} = $1`, [p.subjectId]);
      expect(left.rowCount, table).toBe(0);
    }
    const tombstone = await pg.query<{ action: string }>('SELECT action FROM access_log WHERE subject_id = $1 ORDER BY seq DESC LIMIT 1', [p.subjectId]);
    expect(tombstone.rows[0]?.action).toBe('subject.erase');
    expect((await verifyAccessLog(t.deps, p.subjectId)).broken).toBeNull();

    // Reading table files needs a superuser (the embedded server's user is one; an external
    // server's may not be, and then this half is skipped).
    const su = await pg.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    if (!su.rows[0]?.rolsuper) return;
    // VACUUM keeps a deleted row while any transaction's snapshot may still see it (the app's own
    // background workers query this database now and then), so it runs again until none can:
    // bounded at 10 tries, 200 ms apart.
    const holding = async () => {
      await pg.query('VACUUM (FULL) subject_keys, records');
      await pg.query('CHECKPOINT');
      const left: string[] = [];
      for (const [table, bytes] of [
        ['subject_keys', wrapped],
        ['records', payload.rows[0]!.payload],
      ] as const) {
        const file = await pg.query<{ data: Buffer }>('SELECT pg_read_binary_file(pg_relation_filepath($1)) AS data', [table]);
        if (file.rows[0]!.data.includes(bytes)) left.push(table);
      }
      return left;
    };
    let left = await holding();
    for (let i = 0; i < 9 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      left = await holding();
    }
    expect(left, "table files still holding the person's bytes").toEqual([]);
  });

  it('a copy of the wrapped key taken before erasure opens with its KEK, and not once that KEK is retired', async () => {
    const pg = t.database.postgres(t.storage).db.$client;
    const p = await signUpCitizen(t.app);
    const copy = (await pg.query<{ kek_id: string; wrapped_key: Buffer }>('SELECT kek_id, wrapped_key FROM subject_keys WHERE subject_id = $1', [p.subjectId])).rows[0]!;
    expect(unwrapDataKey(t.keyring.kek(copy.kek_id), copy.kek_id, p.subjectId, new Uint8Array(copy.wrapped_key))).toHaveLength(32);
    expect(hex(copy.wrapped_key)).not.toContain(hex(new TextEncoder().encode(p.subjectId)));
    // Rotate, then retire the old KEK: the keys file no longer has it, so the copy cannot open.
    const kek = newKek();
    const retired = new Keyring({ ...t.keysFile, keks: [kek], currentKek: kek.id });
    expect(retired.hasKek(copy.kek_id)).toBe(false);
    expect(() => retired.kek(copy.kek_id)).toThrow();
  });
});
