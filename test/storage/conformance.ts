import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matches, queryPredicate } from '../../src/core/slice.js';
import { linkHolds } from '../../src/crypto/hash-chain.js';
import { ConflictError } from '../../src/errors.js';
import type {
  AccountRow,
  AlertRow,
  BulkExportRow,
  DelegationRow,
  DisputeRow,
  DeliveryRow,
  GrantRow,
  ImportJobRow,
  LogEntryInput,
  RecordRow,
  Scope,
  SeriesChunkRow,
  Slice,
  Storage,
  WatchRow,
} from '../../src/storage/contract.js';
import { openTestStorage, postgresAdminUrl, type TestStorage } from '../helpers/storage.js';

/**
 * The storage conformance suite: every method of src/storage/contract.ts with its semantics
 * (ordering, pagination, windows, idempotency races, the hash chain under concurrent appends
 * from two connections, revoke against a concurrent read, erasure). Run once per adapter by
 * test/storage/sqlite.test.ts and test/storage/postgres.test.ts; the adapter is the one the
 * vitest project selects (test/helpers/storage.ts).
 */

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 0, 1);

const id = () => randomUUID();
const bytes = (text: string) => new TextEncoder().encode(text);

function account(over: Partial<AccountRow> = {}): AccountRow {
  return {
    id: id(),
    kind: 'practitioner',
    handle: `h-${id().slice(0, 8)}`,
    passwordHash: 'argon2id$…',
    displayName: 'A Practitioner',
    sealedDisplayName: null,
    subjectId: null,
    organisationId: null,
    role: 'gp',
    jwks: null,
    disabledAt: null,
    createdAt: T0,
    integrity: 'kek-1.account-mac',
    ...over,
  };
}

function grant(subjectId: string, over: Partial<GrantRow> = {}): GrantRow {
  return {
    id: id(),
    subjectId,
    granteeAccountId: null,
    granteeOrganisationId: null,
    members: null,
    access: 'read',
    categories: ['mental-wellbeing'],
    types: null,
    fromAt: null,
    toAt: null,
    purpose: 'direct-care',
    sealedPurposeText: bytes('sealed'),
    expiresAt: T0 + 1000 * HOUR,
    createdAt: T0,
    revokedAt: null,
    revokedReason: null,
    requestId: null,
    receipt: 'header.payload.signature',
    revocationReceipt: null,
    shareName: false,
    integrity: 'kek-1.grant-mac',
    ...over,
  };
}

function record(subjectId: string, over: Partial<RecordRow> = {}): RecordRow {
  return {
    id: id(),
    subjectId,
    category: 'mental-wellbeing',
    type: 'phq9',
    effectiveAt: T0,
    createdAt: T0,
    sourceKind: 'self',
    sourceAccountId: 'self',
    sourceOrganisationId: null,
    schemaVersion: 1,
    payload: bytes(`sealed ${id()}`),
    ...over,
  };
}

function log(subjectId: string, action = 'records.read', over: Partial<LogEntryInput> = {}): LogEntryInput {
  return {
    subjectId,
    at: T0,
    actor: { accountId: 'someone', organisationId: null, kind: 'practitioner' },
    action,
    grantIds: [],
    recordIds: [],
    query: {},
    ...over,
  };
}

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

/** Runs the suite on the adapter the current vitest project selects. */
export function storageConformance(): void {
  let dir: string;
  let database: TestStorage;
  let s: Storage;
  /** A second connection (pool) to the same database, as another instance would hold. */
  let other: Storage;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-conformance-'));
    database = await openTestStorage(dir);
    s = await database.open();
    other = await database.open();
  });

  afterAll(async () => {
    await other?.close();
    await s?.close();
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A person with a data key; @returns their subject id */
  async function person(kekId = 'kek-1'): Promise<string> {
    const subjectId = id();
    await s.accounts.createCitizen(account({ kind: 'citizen', subjectId, role: null, displayName: null, sealedDisplayName: bytes('name') }), {
      subjectId,
      kekId,
      wrappedKey: bytes(`wrapped ${subjectId}`),
    });
    return subjectId;
  }

  async function chainHolds(storage: Storage, subjectId: string): Promise<number> {
    const entries = await storage.accessLog.list(subjectId, { order: 'asc', limit: 10_000 });
    let prev: string | null = null;
    entries.forEach((e, i) => {
      expect(linkHolds(e, prev, i + 1), `entry ${i + 1} of ${subjectId}`).toBe(true);
      prev = e.hash;
    });
    return entries.length;
  }

  describe('accounts and sessions', () => {
    it('stores a citizen with subject and key in one step, and finds accounts by handle and id', async () => {
      const subjectId = id();
      const a = account({ kind: 'citizen', subjectId, sealedDisplayName: bytes('Alex') });
      await s.accounts.createCitizen(a, { subjectId, kekId: 'kek-1', wrappedKey: bytes('wk') });
      expect(await s.accounts.findByHandle(a.handle!)).toEqual(a);
      expect(await other.accounts.findById(a.id)).toEqual(a);
      expect(await s.keys.getWrapped(subjectId)).toEqual({ subjectId, kekId: 'kek-1', wrappedKey: bytes('wk') });
      expect(await s.accounts.findByHandle('nobody-has-this')).toBeUndefined();
    });

    it('a taken handle is a ConflictError, and a citizen whose account fails leaves no subject behind', async () => {
      const a = account();
      await s.accounts.create(a);
      await expect(other.accounts.create(account({ handle: a.handle }))).rejects.toBeInstanceOf(ConflictError);
      const subjectId = id();
      await expect(s.accounts.createCitizen(account({ kind: 'citizen', handle: a.handle, subjectId }), { subjectId, kekId: 'k', wrappedKey: bytes('x') })).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await s.keys.getWrapped(subjectId)).toBeUndefined();
    });

    it('sessions: lookup with the account, rotation once, a replay revokes the family, expiry is invalid', async () => {
      const a = account();
      await s.accounts.create(a);
      const sessionId = id();
      await s.sessions.create({ id: sessionId, accountId: a.id, createdAt: T0, expiresAt: T0 + 10 * HOUR, revokedAt: null, scope: null, integrity: 'kek-1.session-mac' }, { tokenHash: `r1-${sessionId}`, expiresAt: T0 + 5 * HOUR });
      expect(await other.sessions.authLookup(sessionId)).toEqual({
        sessionId,
        sessionExpiresAt: T0 + 10 * HOUR,
        sessionRevokedAt: null,
        sessionCreatedAt: T0,
        sessionIntegrity: 'kek-1.session-mac',
        sessionScope: null,
        account: a,
      });
      expect(await s.sessions.authLookup(id())).toBeUndefined();

      const rotated = await s.sessions.rotateRefresh(`r1-${sessionId}`, { tokenHash: `r2-${sessionId}`, expiresAt: T0 + 5 * HOUR }, T0 + HOUR);
      expect(rotated).toMatchObject({ kind: 'rotated', session: { id: sessionId }, account: a });
      expect((await s.sessions.sessionOfRefresh(`r1-${sessionId}`))?.id).toBe(sessionId);
      expect(await s.sessions.rotateRefresh(`r2-${sessionId}`, { tokenHash: `r3-${sessionId}`, expiresAt: T0 + 6 * HOUR }, T0 + 6 * HOUR)).toEqual({ kind: 'invalid' });
      expect(await s.sessions.rotateRefresh(`r1-${sessionId}`, { tokenHash: `r4-${sessionId}`, expiresAt: T0 + 5 * HOUR }, T0 + HOUR)).toEqual({ kind: 'reused' });
      expect(await s.sessions.authLookup(sessionId)).toMatchObject({ sessionRevokedAt: T0 + HOUR, sessionIntegrity: null });
      expect(await s.sessions.rotateRefresh(`r2-${sessionId}`, { tokenHash: `r5-${sessionId}`, expiresAt: T0 + 5 * HOUR }, T0 + HOUR)).toEqual({ kind: 'invalid' });
      expect(await s.sessions.rotateRefresh('never-issued', { tokenHash: id(), expiresAt: T0 + HOUR }, T0)).toEqual({ kind: 'invalid' });
    });

    it('one refresh token spent on two connections at once rotates once; the other use is a replay', async () => {
      const a = account();
      await s.accounts.create(a);
      const sessionId = id();
      await s.sessions.create({ id: sessionId, accountId: a.id, createdAt: T0, expiresAt: T0 + 10 * HOUR, revokedAt: null, scope: null, integrity: 'kek-1.session-mac' }, { tokenHash: `t-${sessionId}`, expiresAt: T0 + 5 * HOUR });
      const outcomes = await Promise.all(
        [s, other].map((st, i) => st.sessions.rotateRefresh(`t-${sessionId}`, { tokenHash: `t${i}-${sessionId}`, expiresAt: T0 + 5 * HOUR }, T0 + HOUR)),
      );
      expect(outcomes.map((o) => o.kind).sort()).toEqual(['reused', 'rotated']);
    });

    it('revoking a session stamps it once; disabling an account ends its sessions and revokes its direct grants, logged per person', async () => {
      const a = account();
      await s.accounts.create(a);
      const sessionId = id();
      await s.sessions.create({ id: sessionId, accountId: a.id, createdAt: T0, expiresAt: T0 + 10 * HOUR, revokedAt: null, scope: null, integrity: 'kek-1.session-mac' }, null);
      await s.sessions.revoke(sessionId, 'logout', T0 + 1);
      await s.sessions.revoke(sessionId, 'logout', T0 + 2);
      expect((await s.sessions.authLookup(sessionId))?.sessionRevokedAt).toBe(T0 + 1);

      const b = account();
      await s.accounts.create(b);
      const live = id();
      await s.sessions.create({ id: live, accountId: b.id, createdAt: T0, expiresAt: T0 + 10 * HOUR, revokedAt: null, scope: null, integrity: 'kek-1.session-mac' }, null);
      const [p1, p2] = [await person(), await person()];
      const g1 = grant(p1, { granteeAccountId: b.id });
      const g2 = grant(p2, { granteeAccountId: b.id });
      const already = grant(p2, { granteeAccountId: b.id, revokedAt: T0, revokedReason: 'revoked-by-subject' });
      for (const g of [g1, g2, already]) await s.grants.create(g, log(g.subjectId, 'grant.create', { grantIds: [g.id] }));
      const revoked = await other.accounts.disable(b.id, T0 + HOUR);
      expect(ids(revoked).sort()).toEqual([g1.id, g2.id].sort());
      // Disabled accounts, ended sessions and revoked grants keep no MAC.
      expect(await s.accounts.findById(b.id)).toMatchObject({ disabledAt: T0 + HOUR, integrity: null });
      expect(await s.sessions.authLookup(live)).toMatchObject({ sessionRevokedAt: T0 + HOUR, sessionIntegrity: null });
      expect(await s.grants.get(p1, g1.id)).toMatchObject({ revokedReason: 'grantee-disabled', integrity: null });
      for (const p of [p1, p2]) {
        const [last] = await s.accessLog.list(p, { order: 'desc', limit: 1 });
        expect(last).toMatchObject({ action: 'grant.revoke', actor: { kind: 'system' }, query: { reason: 'grantee-disabled' } });
        await chainHolds(s, p);
      }
    });
  });

  describe('keys', () => {
    it('re-wraps only rows still under the old wrapping, and reports the KEKs in use (webhooks included)', async () => {
      const p1 = await person('kek-old-a');
      const p2 = await person('kek-old-a');
      const stale = await s.keys.staleWrapped('kek-new-a', 10_000);
      expect(stale.map((r) => r.subjectId)).toEqual(expect.arrayContaining([p1, p2]));
      const w1 = (await s.keys.getWrapped(p1))!;
      const w2 = (await s.keys.getWrapped(p2))!;
      // p2 was re-wrapped by someone else meanwhile: this batch must leave it alone.
      expect(await other.keys.rewrap([{ from: w2, to: { subjectId: p2, kekId: 'kek-new-a', wrappedKey: bytes('other') } }], T0)).toBe(1);
      const moves = [w1, w2].map((from) => ({ from, to: { subjectId: from.subjectId, kekId: 'kek-new-a', wrappedKey: bytes(`new ${from.subjectId}`) } }));
      expect(await s.keys.rewrap(moves, T0)).toBe(1);
      expect(await s.keys.getWrapped(p1)).toEqual({ subjectId: p1, kekId: 'kek-new-a', wrappedKey: bytes(`new ${p1}`) });
      expect((await s.keys.getWrapped(p2))?.wrappedKey).toEqual(bytes('other'));
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Hooked', kind: 'provider', createdAt: T0 });
      await s.webhooks.put({ organisationId: orgId, url: 'https://example.org/hook', kekId: 'kek-hook-only', sealedSecret: bytes('secret'), createdAt: T0 });
      expect(await s.keys.kekIdsInUse()).toEqual(expect.arrayContaining(['kek-new-a', 'kek-hook-only']));
      expect(await s.keys.kekIdsInUse()).not.toContain('kek-old-a');
    });
  });

  describe('records', () => {
    it('lists newest first (effectiveAt, then id), pages by keyset without gaps or repeats, and honours the limit', async () => {
      const p = await person();
      const rows = Array.from({ length: 25 }, (_, i) => record(p, { effectiveAt: T0 + (i % 5) * HOUR }));
      await s.records.insert(rows);
      const scope: Scope = { subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] };
      const expected = [...rows].sort((a, b) => b.effectiveAt - a.effectiveAt || (a.id < b.id ? 1 : -1));
      const seen: string[] = [];
      let after: { effectiveAt: number; id: string } | undefined;
      for (;;) {
        const page = await other.records.list(scope, { limit: 7, ...(after ? { after } : {}) });
        seen.push(...ids(page));
        if (page.length < 7) break;
        const last = page[page.length - 1]!;
        after = { effectiveAt: last.effectiveAt, id: last.id };
      }
      expect(seen).toEqual(ids(expected));
      expect((await s.records.list(scope, { limit: 1 }))[0]).toEqual(expected[0]);
    });

    it('list, get and summarise select exactly what the slice predicate matches, for any scope and filter', async () => {
      const p = await person();
      const categories = ['mental-wellbeing', 'health-status', 'goals'];
      const types = ['phq9', 'gad7', 'heart-rate', 'goal'];
      const rows = Array.from({ length: 48 }, (_, i) =>
        record(p, { category: categories[i % 3]!, type: types[i % 4]!, effectiveAt: T0 + ((i * 7) % 12) * HOUR - 6 * HOUR }),
      );
      await s.records.insert(rows);
      const bound = fc.option(fc.integer({ min: -7, max: 7 }).map((h) => T0 + h * HOUR), { nil: null });
      const slice: fc.Arbitrary<Slice> = fc.record({
        categories: fc.option(fc.subarray(categories), { nil: null }),
        types: fc.option(fc.subarray(types), { nil: null }),
        from: bound,
        to: bound,
      });
      const filter = fc.record(
        { categories: fc.subarray(categories, { minLength: 1 }), types: fc.subarray(types, { minLength: 1 }), from: bound.map((b) => b ?? undefined), to: bound.map((b) => b ?? undefined) },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(slice, { maxLength: 3 }), filter, async (slices, f) => {
          const scope = { subjectId: p, slices };
          const q = { ...(f.categories ? { categories: f.categories } : {}), ...(f.types ? { types: f.types } : {}), ...(f.from !== undefined ? { from: f.from } : {}), ...(f.to !== undefined ? { to: f.to } : {}) };
          const want = rows.filter((r) => matches(queryPredicate(scope, q), r));
          const got = await s.records.list(scope, { ...q, limit: 100 });
          expect(ids(got).sort()).toEqual(ids(want).sort());
          const inScope = rows.filter((r) => matches(queryPredicate(scope, {}), r));
          const summary = await s.records.summarise(scope);
          expect(summary.reduce((n, g) => n + g.n, 0)).toBe(inScope.length);
          for (const g of summary) {
            const mine = inScope.filter((r) => r.category === g.category && r.type === g.type);
            expect(g).toEqual({ category: g.category, type: g.type, n: mine.length, first: Math.min(...mine.map((r) => r.effectiveAt)), last: Math.max(...mine.map((r) => r.effectiveAt)) });
          }
          const probe = rows[slices.length * 5]!;
          expect((await s.records.get(scope, probe.id))?.id).toBe(inScope.includes(probe) ? probe.id : undefined);
        }),
        { numRuns: 40 },
      );
      // Another person's records are never in a scope, whatever its slices.
      const stranger = await person();
      expect(await s.records.list({ subjectId: stranger, slices: [{ categories: null, types: null, from: null, to: null }] }, { limit: 10 })).toEqual([]);
      expect(await s.records.get({ subjectId: stranger, slices: [{ categories: null, types: null, from: null, to: null }] }, rows[0]!.id)).toBeUndefined();
    });

    it('latestBefore, getMany and delete (logged) work on one person only', async () => {
      const p = await person();
      const [old, mid, late] = [1, 2, 3].map((h) => record(p, { type: 'wemwbs', effectiveAt: T0 + h * HOUR }));
      await s.records.insert([old!, mid!, late!]);
      const whole = { subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] };
      expect((await s.records.latestBefore(whole, 'wemwbs', T0 + 3 * HOUR, [late!.id]))?.id).toBe(mid!.id);
      expect((await s.records.latestBefore(whole, 'wemwbs', T0 + 2 * HOUR - 1, []))?.id).toBe(old!.id);
      expect(await s.records.latestBefore(whole, 'wemwbs', T0, [])).toBeUndefined();
      // Only inside the scope: a window that ends before `mid` finds `old`, none finds nothing.
      expect((await s.records.latestBefore({ subjectId: p, slices: [{ categories: null, types: null, from: null, to: T0 + 2 * HOUR - 1 }] }, 'wemwbs', T0 + 3 * HOUR, [late!.id]))?.id).toBe(old!.id);
      expect(await s.records.latestBefore({ subjectId: p, slices: [] }, 'wemwbs', T0 + 3 * HOUR, [])).toBeUndefined();
      expect(ids(await s.records.getMany(p, [old!.id, late!.id, id()])).sort()).toEqual([old!.id, late!.id].sort());
      // Whose record an id is, from either connection; none for an unknown or deleted id.
      expect(await s.records.subjectOf(old!.id)).toBe(p);
      expect(await other.records.subjectOf(late!.id)).toBe(p);
      expect(await s.records.subjectOf(id())).toBeUndefined();
      expect(await s.records.getMany(await person(), [old!.id])).toEqual([]);
      expect(await s.records.delete(p, mid!.id, log(p, 'records.delete', { recordIds: [mid!.id] }))).toBe(true);
      expect(await other.records.delete(p, mid!.id, log(p, 'records.delete'))).toBe(false);
      expect(await s.records.subjectOf(mid!.id)).toBeUndefined();
      expect(await s.accessLog.list(p, { order: 'asc', limit: 10, action: 'records.delete' })).toHaveLength(1);
      expect(await s.records.getMany(p, [mid!.id])).toEqual([]);
    });

    it('a write commits its effects with it: alerts, their log entries and webhook deliveries', async () => {
      const p = await person();
      const watcher = account();
      await s.accounts.create(watcher);
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Effects', kind: 'gp-practice', createdAt: T0 });
      const r = record(p);
      const alert: AlertRow = { id: id(), kind: 'match', watchId: id(), subjectId: p, watcherAccountId: watcher.id, recordId: r.id, type: 'phq9', at: T0, sealedMatched: bytes('m'), ackedAt: null, escalateAt: null, escalatedAt: null, escalatedFrom: null };
      const delivery: DeliveryRow = { id: id(), organisationId: orgId, alertId: alert.id, status: 'pending', attempts: 0, nextAttemptAt: T0, lastError: null, createdAt: T0, deliveredAt: null };
      await s.records.insert([r], { alerts: [alert], logs: [log(p, 'alert.raise', { recordIds: [r.id] })], deliveries: [delivery] });
      expect(await other.alerts.get(watcher.id, alert.id)).toEqual(alert);
      expect(await s.webhooks.getAlert(alert.id)).toEqual(alert);
      expect(await s.webhooks.listDeliveries(orgId, 10)).toEqual([delivery]);
      expect(await s.accessLog.list(p, { order: 'asc', limit: 10 })).toMatchObject([{ action: 'alert.raise', recordIds: [r.id] }]);
      await s.webhooks.settle(delivery.id, { status: 'delivered', attempts: 1, nextAttemptAt: T0, lastError: null, deliveredAt: T0 });
    });

    it('appends with an idempotency key store once, even when two connections race with the same key', async () => {
      const p = await person();
      const key = { accountId: 'client-1', key: id(), subjectId: p, requestHash: 'h', createdAt: T0, expiresAt: T0 + 24 * HOUR };
      const attempts = await Promise.all(
        [s, other, s, other].map((st) => {
          const r = record(p, { sourceKind: 'client', sourceAccountId: 'client-1' });
          return st.records.append([r], log(p, 'records.append', { recordIds: [r.id] }), { ...key, result: JSON.stringify({ ids: [r.id] }) });
        }),
      );
      const stored = attempts.filter((a) => a.stored);
      expect(stored).toHaveLength(1);
      const existing = attempts.filter((a): a is { stored: false; existing: typeof key & { result: string } } => !a.stored).map((a) => a.existing.result);
      expect(new Set(existing).size).toBe(1);
      expect(await s.records.list({ subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] }, { limit: 10 })).toHaveLength(1);
      expect(await s.idempotency.get('client-1', key.key, T0 + HOUR)).toMatchObject({ subjectId: p, requestHash: 'h' });
      expect(await s.idempotency.get('client-1', key.key, T0 + 24 * HOUR)).toBeUndefined();
      // Past its 24 h the key starts afresh.
      const later = record(p);
      const again = await other.records.append([later], log(p, 'records.append'), { ...key, createdAt: T0 + 25 * HOUR, expiresAt: T0 + 49 * HOUR, result: 'fresh' });
      expect(again).toEqual({ stored: true });
      expect(await chainHolds(s, p)).toBe(2);
    });
  });

  describe('grants and access requests', () => {
    it('lists grants by status, newest first with keyset pages, for the person and for the grantee (directly or by organisation, by members)', async () => {
      const p = await person();
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Grantees', kind: 'gp-practice', createdAt: T0 });
      const who = account({ organisationId: orgId });
      // Creating an account commits the log entries it is given with it.
      await s.accounts.create(who, [log(p, 'grant.reach', { query: { accountId: who.id } })]);
      expect(await s.accessLog.list(p, { order: 'asc', limit: 10, action: 'grant.reach' })).toHaveLength(1);
      const system = account({ kind: 'client', handle: null, organisationId: orgId });
      await s.accounts.create(system);
      const holder = { accountId: who.id, kind: 'practitioner' as const, organisationId: orgId };
      const alone = { accountId: who.id, kind: 'practitioner' as const, organisationId: null };
      const now = T0 + 10 * HOUR;
      const active = grant(p, { granteeAccountId: who.id, createdAt: T0 + 3 });
      const viaOrg = grant(p, { granteeOrganisationId: orgId, members: 'practitioners', createdAt: T0 + 2 });
      const clientsOnly = grant(p, { granteeOrganisationId: orgId, members: 'clients', access: 'append', createdAt: T0 + 6 });
      const expired = grant(p, { granteeAccountId: who.id, createdAt: T0 + 1, expiresAt: now });
      const revoked = grant(p, { granteeAccountId: who.id, createdAt: T0 + 4, revokedAt: T0 + 5, revokedReason: 'revoked-by-subject' });
      for (const g of [active, viaOrg, expired, revoked, clientsOnly]) await s.grants.create(g, log(p, 'grant.create'));
      expect(ids(await s.grants.listForSubject(p, { now, limit: 10 }))).toEqual([clientsOnly.id, revoked.id, active.id, viaOrg.id, expired.id]);
      expect(ids(await s.grants.listForSubject(p, { status: 'active', now, limit: 10 }))).toEqual([clientsOnly.id, active.id, viaOrg.id]);
      expect(ids(await s.grants.listForSubject(p, { status: 'expired', now, limit: 10 }))).toEqual([expired.id]);
      expect(ids(await s.grants.listForSubject(p, { status: 'revoked', now, limit: 10 }))).toEqual([revoked.id]);
      expect(ids(await s.grants.listForSubject(p, { now, limit: 2, after: { createdAt: active.createdAt, id: active.id } }))).toEqual([viaOrg.id, expired.id]);
      expect(ids(await other.grants.listForGrantee(holder, { now, limit: 10 }))).toEqual([revoked.id, active.id, viaOrg.id, expired.id]);
      expect(ids(await s.grants.listForGrantee(alone, { status: 'active', now, limit: 10 }))).toEqual([active.id]);
      expect(ids(await s.grants.listForGrantee(holder, { subjectId: await person(), now, limit: 10 }))).toEqual([]);
      expect(ids(await s.grants.activeFor(p, holder, now)).sort()).toEqual([active.id, viaOrg.id].sort());
      expect(ids(await s.grants.activeFor(p, alone, now))).toEqual([active.id]);
      expect(ids(await s.grants.activeFor(p, { accountId: system.id, kind: 'client', organisationId: orgId }, now))).toEqual([clientsOnly.id]);
      expect(await s.grants.activeFor(p, { accountId: 'someone-else', kind: 'practitioner', organisationId: null }, now)).toEqual([]);
      // A citizen or admin is reached by no organisation grant, whatever organisation it names.
      expect(await s.grants.activeFor(p, { accountId: 'x', kind: 'admin', organisationId: orgId }, now)).toEqual([]);
      expect(await other.grants.activeForOrganisation(orgId, 'practitioner', now)).toEqual([{ subjectId: p, grantIds: [viaOrg.id] }]);
      expect(await s.grants.activeForOrganisation(orgId, 'client', now)).toEqual([{ subjectId: p, grantIds: [clientsOnly.id] }]);
      expect(await s.grants.activeForOrganisation(orgId, 'citizen', now)).toEqual([]);
      expect(await s.grants.get(p, active.id)).toEqual(active);
      expect(await s.grants.get(await person(), active.id)).toBeUndefined();
    });

    it('aggregate grants: the cohort of an organisation by members, active only, ordered by person; never in the grantee list', async () => {
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Commissioner', kind: 'other', createdAt: T0 });
      const [a, b] = [await person(), await person()].sort();
      const now = T0 + 10 * HOUR;
      const all = grant(b!, { granteeOrganisationId: orgId, members: 'all', access: 'aggregate', purpose: 'outcome-reporting' });
      const clients = grant(a!, { granteeOrganisationId: orgId, members: 'clients', access: 'aggregate', purpose: 'outcome-reporting' });
      const gone = grant(a!, { granteeOrganisationId: orgId, members: 'all', access: 'aggregate', purpose: 'outcome-reporting', revokedAt: T0 + 1, revokedReason: 'revoked-by-subject' });
      const read = grant(a!, { granteeOrganisationId: orgId, members: 'all' });
      for (const g of [all, clients, gone, read]) await s.grants.create(g, log(g.subjectId, 'grant.create'));
      expect(ids(await other.grants.aggregateFor(orgId, 'client', now))).toEqual([clients.id, all.id]);
      expect(await s.grants.aggregateFor(orgId, 'practitioner', now)).toEqual([all]);
      expect(await s.grants.aggregateFor(orgId, 'citizen', now)).toEqual([]);
      expect(await s.grants.aggregateFor(orgId, 'practitioner', all.expiresAt)).toEqual([]);
      const member = { accountId: 'member', kind: 'practitioner' as const, organisationId: orgId };
      expect(ids(await s.grants.listForGrantee(member, { now, limit: 10 }))).toEqual([read.id]);
    });

    it('bespoke measures: drafts replace drafts, publishing freezes a version, organisation codes are one namespace, a person’s are their own', async () => {
      const orgA = id();
      const orgB = id();
      for (const o of [orgA, orgB]) await s.organisations.create({ id: o, name: o, kind: 'other', createdAt: T0 });
      const p = await person();
      const code = `m-${id().slice(0, 8)}`;
      const draft = (text: string) => ({ code, definition: text, sealedDefinition: null, createdBy: 'manager', createdAt: T0 });
      const first = await s.typeDefinitions.saveDraft({ organisationId: orgA }, draft('{"v":1}'), id());
      expect(first).toMatchObject({ version: 1, status: 'draft', organisationId: orgA, subjectId: null, definition: '{"v":1}' });
      const replaced = await other.typeDefinitions.saveDraft({ organisationId: orgA }, draft('{"v":"1b"}'), id());
      expect(replaced).toMatchObject({ version: 1, definition: '{"v":"1b"}' });
      expect(await s.typeDefinitions.saveDraft({ organisationId: orgB }, draft('{}'), id())).toBe('taken');
      expect(await s.typeDefinitions.publishedOrganisationTypes().then((r) => r.filter((x) => x.code === code))).toEqual([]);
      const published = await s.typeDefinitions.publish({ organisationId: orgA }, code, T0 + 5);
      expect(published).toMatchObject({ version: 1, status: 'published', publishedAt: T0 + 5 });
      expect(await s.typeDefinitions.publish({ organisationId: orgA }, code, T0 + 6)).toBeUndefined();
      expect(await s.typeDefinitions.publish({ organisationId: orgB }, code, T0 + 6)).toBeUndefined();
      expect(await s.typeDefinitions.saveDraft({ organisationId: orgA }, draft('{"v":2}'), id())).toMatchObject({ version: 2, status: 'draft' });
      expect((await other.typeDefinitions.publishedOrganisationTypes()).filter((x) => x.code === code).map((x) => x.version)).toEqual([1]);
      expect((await s.typeDefinitions.listForOwner({ organisationId: orgA })).map((x) => [x.version, x.status])).toEqual([[1, 'published'], [2, 'draft']]);
      // The same code for a person is theirs alone, sealed, and goes with them.
      const mine = await s.typeDefinitions.saveDraft({ subjectId: p }, { ...draft(''), definition: null, sealedDefinition: bytes('sealed definition') }, id());
      expect(mine).toMatchObject({ version: 1, subjectId: p, organisationId: null, definition: null, sealedDefinition: bytes('sealed definition') });
      expect((await s.typeDefinitions.listForOwner({ subjectId: p })).map((x) => x.id)).toEqual([(mine as { id: string }).id]);
      expect(await s.typeDefinitions.listForOwner({ subjectId: await person() })).toEqual([]);
      await s.subjects.erase(p, log(p, 'erasure'));
      expect(await s.typeDefinitions.listForOwner({ subjectId: p })).toEqual([]);
    });

    it('revocation is atomic with its log entry, happens once, and the very next read on another connection sees it', async () => {
      const p = await person();
      const reader = account();
      await s.accounts.create(reader);
      const g = grant(p, { granteeAccountId: reader.id });
      await s.grants.create(g, log(p, 'grant.create'));
      // Reads racing the revocation see the grant whole or not at all, never half-revoked.
      const holder = { accountId: reader.id, kind: 'practitioner' as const, organisationId: null };
      const reads = Promise.all(Array.from({ length: 20 }, () => other.grants.activeFor(p, holder, T0 + HOUR)));
      const [first, second] = await Promise.all([s.grants.revoke(p, g.id, T0 + HOUR, 'rcpt-1', log(p, 'grant.revoke')), other.grants.revoke(p, g.id, T0 + HOUR + 1, 'rcpt-2', log(p, 'grant.revoke'))]);
      for (const seen of await reads) for (const r of seen) expect(r).toEqual(g);
      expect([first?.revocationReceipt, second?.revocationReceipt].filter((r) => r === 'rcpt-1' || r === 'rcpt-2')).toHaveLength(2);
      expect(first?.revocationReceipt).toBe(second?.revocationReceipt);
      expect(first?.integrity).toBeNull();
      expect((await s.grants.get(p, g.id))?.integrity).toBeNull();
      expect(await other.grants.activeFor(p, holder, T0 + HOUR)).toEqual([]);
      expect(await s.accessLog.list(p, { order: 'asc', limit: 10, action: 'grant.revoke' })).toHaveLength(1);
      expect(await s.grants.revoke(p, id(), T0, 'x', log(p, 'grant.revoke'))).toBeUndefined();
    });

    it('an access request is decided once: approval stores its grant and log entry, a concurrent second decision is not-pending', async () => {
      const p = await person();
      const requester = account();
      await s.accounts.create(requester);
      const base = {
        subjectId: p,
        requesterAccountId: requester.id,
        requesterOrganisationId: null,
        access: 'read' as const,
        categories: ['goals'],
        types: null,
        fromAt: null,
        toAt: null,
        purpose: 'social-prescribing',
        sealedPurposeText: bytes('why'),
        grantExpiresAt: T0 + 90 * 24 * HOUR,
        expiresAt: T0 + 30 * 24 * HOUR,
        status: 'pending' as const,
        decidedAt: null,
        grantId: null,
      };
      const r1 = { ...base, id: id(), createdAt: T0 + 1 };
      const r2 = { ...base, id: id(), createdAt: T0 + 2 };
      await s.accessRequests.create(r1);
      await s.accessRequests.create(r2);
      expect(ids(await other.accessRequests.listForSubject(p, { limit: 10 }))).toEqual([r2.id, r1.id]);
      expect(ids(await s.accessRequests.listForSubject(p, { limit: 10, after: { createdAt: r2.createdAt, id: r2.id } }))).toEqual([r1.id]);
      const g = grant(p, { granteeAccountId: requester.id, requestId: r1.id });
      const outcomes = await Promise.all([
        s.accessRequests.approve(r1, g, log(p, 'grant.create')),
        other.accessRequests.deny(r1, T0, log(p, 'access-request.deny')),
      ]);
      expect(outcomes.filter((o) => o === 'not-pending')).toHaveLength(1);
      const decided = await s.accessRequests.get(p, r1.id);
      if (outcomes[0] === 'approved') {
        expect(decided).toMatchObject({ status: 'approved', grantId: g.id });
        expect(await s.grants.get(p, g.id)).toEqual(g);
      } else {
        expect(decided).toMatchObject({ status: 'denied' });
        expect(await s.grants.get(p, g.id)).toBeUndefined();
      }
      expect(await s.accessRequests.deny(r2, T0 + 5, log(p, 'access-request.deny'))).toBe('denied');
      expect(ids(await s.accessRequests.listForSubject(p, { status: 'pending', limit: 10 }))).toEqual([]);
      expect(await chainHolds(s, p)).toBe(2);
    });
  });

  describe('access log', () => {
    it('chains each person on their own, in order, with filters, descending pages and the recent tail', async () => {
      const p = await person();
      const q = await person();
      for (let i = 0; i < 6; i++) {
        await s.accessLog.append(log(p, i % 2 ? 'records.read' : 'records.append', { at: T0 + i, actor: { accountId: i < 3 ? 'a' : 'b', organisationId: null, kind: 'practitioner' } }));
        await other.accessLog.append(log(q, 'records.read', { at: T0 + i }));
      }
      const all = await s.accessLog.list(p, { order: 'asc', limit: 100 });
      expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(all[0]!.prevHash).toBeNull();
      expect(await chainHolds(s, q)).toBe(6);
      expect((await s.accessLog.list(p, { order: 'desc', limit: 2 })).map((e) => e.seq)).toEqual([6, 5]);
      expect((await s.accessLog.list(p, { order: 'desc', limit: 2, afterSeq: 5 })).map((e) => e.seq)).toEqual([4, 3]);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 10, afterSeq: 4 })).map((e) => e.seq)).toEqual([5, 6]);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 10, action: 'records.read' })).map((e) => e.seq)).toEqual([2, 4, 6]);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 10, actorAccountId: 'b' })).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 10, from: T0 + 2, to: T0 + 3 })).map((e) => e.seq)).toEqual([3, 4]);
      expect(await s.accessLog.subjectIds()).toEqual(expect.arrayContaining([p, q]));
      const recent = await s.accessLog.recent(3);
      expect(recent.map((e) => `${e.subjectId === p ? 'p' : 'q'}${e.seq}`)).toEqual(['q6', 'p6', 'q5']);
    });

    it('concurrent appends to one person from two connections make one unbroken chain', async () => {
      const p = await person();
      await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? s : other).accessLog.append(log(p, 'records.read', { at: T0 + i }))));
      expect(await chainHolds(other, p)).toBe(60);
    });
  });

  describe('access-log anchors', () => {
    it('heads, checkpoints by seq, the latest one, and the heads that advanced since a position', async () => {
      const p = await person();
      const q = await person();
      expect(await s.accessLog.head(p)).toBeUndefined();
      const start = (await s.accessLog.advancedSince(0, 1_000_000)).position;
      await s.accessLog.append(log(p));
      await s.accessLog.append(log(p));
      await other.accessLog.append(log(q));
      const hp = (await other.accessLog.head(p))!;
      expect(hp).toMatchObject({ subjectId: p, seq: 2 });
      const { heads, position } = await s.accessLog.advancedSince(start, 1000);
      expect(position).toBeGreaterThan(start);
      expect(heads.filter((h) => h.subjectId === p || h.subjectId === q).sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1))).toEqual(
        [hp, (await s.accessLog.head(q))!].sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1)),
      );
      expect(await s.accessLog.advancedSince(position, 1000)).toEqual({ heads: [], position });
      // Reading at most one entry moves the position by one.
      expect((await s.accessLog.advancedSince(start, 1)).position).toBe(start + 1);
      const c1 = { id: id(), subjectId: p, seq: 1, hash: 'h1', at: T0 + 2, jws: 'x.y.z', through: null };
      const c2 = { id: id(), subjectId: p, seq: 2, hash: hp.hash, at: T0 + 1, jws: 'x.y.w', through: position };
      await s.accessLog.addCheckpoint(c2);
      await other.accessLog.addCheckpoint(c1);
      expect(await s.accessLog.checkpoints(p)).toEqual([c1, c2]);
      expect(await other.accessLog.latestCheckpoint(p)).toEqual(c2);
      expect(await s.accessLog.latestCheckpoint(q)).toBeUndefined();
      expect(await s.accessLog.signedThrough()).toBeGreaterThanOrEqual(position);
    });
  });

  describe('row integrity', () => {
    it('finds live rows whose MAC is under another KEK (or missing), replaces MACs only if unchanged, and marks the backfill once', async () => {
      const kek = `kek-i-${id().slice(0, 6)}`;
      const p = await person();
      const a = account({ integrity: null });
      await s.accounts.create(a);
      const sessionId = id();
      await s.sessions.create({ id: sessionId, accountId: a.id, createdAt: T0, expiresAt: T0 + 1000 * HOUR, revokedAt: null, scope: null, integrity: 'kek-1.s' }, null);
      const g = grant(p, { granteeAccountId: a.id, integrity: `${kek}.already` });
      await s.grants.create(g, log(p, 'grant.create'));
      const stale = await other.integrity.stale(kek, T0, 10_000, false);
      expect(ids(stale.accounts)).not.toContain(a.id);
      expect(ids(stale.sessions)).toContain(sessionId);
      expect(ids(stale.grants)).not.toContain(g.id);
      expect(ids((await s.integrity.stale(kek, T0, 10_000, true)).accounts)).toContain(a.id);
      const moves = [
        { table: 'accounts' as const, id: a.id, from: null, to: `${kek}.a` },
        { table: 'sessions' as const, id: sessionId, from: 'kek-1.s', to: `${kek}.s` },
        { table: 'grants' as const, id: g.id, from: 'changed-meanwhile', to: `${kek}.g` },
      ];
      expect(await s.integrity.replace(moves)).toBe(2);
      expect((await s.accounts.findById(a.id))?.integrity).toBe(`${kek}.a`);
      expect((await other.sessions.authLookup(sessionId))?.sessionIntegrity).toBe(`${kek}.s`);
      expect((await s.grants.get(p, g.id))?.integrity).toBe(`${kek}.already`);
      expect(await s.keys.kekIdsInUse()).toContain(kek);
      const before = await s.integrity.backfilled();
      if (!before) await s.integrity.markBackfilled(T0);
      expect(await other.integrity.backfilled()).toBe(true);
    });
  });

  describe('delegations and notifications', () => {
    it('a delegation is stored with its log entry, listed for the person and the delegate while live, and revoked once (MAC cleared)', async () => {
      const p = await person();
      const personAccount = (await s.accounts.findBySubject(p))!;
      expect(personAccount.subjectId).toBe(p);
      expect(await s.accounts.findBySubject(id())).toBeUndefined();
      const delegate = account({ kind: 'citizen', role: null });
      await s.accounts.create(delegate);
      const row = (over: Partial<DelegationRow>) => ({
        id: id(),
        subjectId: p,
        personAccountId: personAccount.id,
        delegateAccountId: delegate.id,
        powers: ['read-records' as const],
        basis: 'consent' as const,
        expiresAt: T0 + 10 * HOUR,
        createdAt: T0,
        revokedAt: null,
        receipt: 'r',
        revocationReceipt: null,
        integrity: 'kek-1.d',
        ...over,
      });
      const live = row({ createdAt: T0 + 2 });
      const expired = row({ createdAt: T0 + 1, expiresAt: T0 + HOUR });
      await s.delegations.create(live, log(p, 'delegation.create'));
      await other.delegations.create(expired, log(p, 'delegation.create'));
      expect(await other.delegations.get(live.id)).toEqual(live);
      expect(ids(await s.delegations.listForSubject(p))).toEqual([live.id, expired.id]);
      expect(ids(await s.delegations.activeForDelegate(delegate.id, T0 + 2 * HOUR))).toEqual([live.id]);
      const [a, b] = await Promise.all([
        s.delegations.revoke(p, live.id, T0 + 3 * HOUR, 'rr-1', log(p, 'delegation.revoke')),
        other.delegations.revoke(p, live.id, T0 + 3 * HOUR, 'rr-2', log(p, 'delegation.revoke')),
      ]);
      expect(a?.revocationReceipt).toBe(b?.revocationReceipt);
      expect(a).toMatchObject({ revokedAt: T0 + 3 * HOUR, integrity: null });
      expect(await s.delegations.activeForDelegate(delegate.id, T0 + 3 * HOUR)).toEqual([]);
      expect(await s.accessLog.list(p, { order: 'asc', limit: 10, action: 'delegation.revoke' })).toHaveLength(1);
      expect(await s.delegations.revoke(p, id(), T0, 'x', log(p, 'delegation.revoke'))).toBeUndefined();
      // A delegate's entry names the person it acted for.
      const acted = await s.accessLog.append(log(p, 'records.read', { onBehalfOf: { accountId: personAccount.id } }));
      expect((await other.accessLog.list(p, { order: 'desc', limit: 1 }))[0]).toEqual(acted);
      expect(acted.onBehalfOf).toEqual({ accountId: personAccount.id });
    });

    it('notices are stored once per dedupe key across connections, listed newest first, and marked read once', async () => {
      const p = await person();
      const to = (await s.accounts.findBySubject(p))!.id;
      const n = (at: number, dedupeKey: string | null) => ({ id: id(), recipientAccountId: to, kind: 'grant-expiring', subjectId: p, at, data: { grantId: 'g' }, readAt: null, dedupeKey });
      const key = `k-${id()}`;
      const results = await Promise.all([s.notifications.add([n(T0 + 1, key)]), other.notifications.add([n(T0 + 1, key)])]);
      expect(results.sort()).toEqual([0, 1]);
      const later = n(T0 + 2, null);
      expect(await s.notifications.add([later, n(T0 + 3, key)])).toBe(1);
      const listed = await other.notifications.list(to, { limit: 10 });
      expect(listed.map((x) => x.at)).toEqual([T0 + 2, T0 + 1]);
      expect(ids(await s.notifications.list(to, { limit: 10, before: { at: later.at, id: later.id } }))).toEqual([listed[1]!.id]);
      expect((await s.notifications.markRead(to, later.id, T0 + 9))?.readAt).toBe(T0 + 9);
      expect((await other.notifications.markRead(to, later.id, T0 + 10))?.readAt).toBe(T0 + 9);
      expect(ids(await s.notifications.list(to, { limit: 10, unread: true }))).toEqual([listed[1]!.id]);
      expect(await s.notifications.markRead('someone-else', later.id, T0)).toBeUndefined();
    });

    it('referrals: listed for the person and the referrer, decided once (approval stores the grant)', async () => {
      const p = await person();
      const referrer = account();
      await s.accounts.create(referrer);
      const referee = account();
      await s.accounts.create(referee);
      const ref = (createdAt: number) => ({
        id: id(),
        subjectId: p,
        referrerAccountId: referrer.id,
        referrerOrganisationId: null,
        referToAccountId: referee.id,
        referToOrganisationId: null,
        categories: ['goals'],
        types: null,
        fromAt: null,
        toAt: null,
        purpose: 'social-prescribing',
        sealedNote: bytes('note'),
        grantExpiresAt: T0 + 90 * 24 * HOUR,
        createdAt,
        status: 'pending' as const,
        decidedAt: null,
        grantId: null,
      });
      const [r1, r2] = [ref(T0 + 1), ref(T0 + 2)];
      await s.referrals.create(r1, log(p, 'referral.create'));
      await other.referrals.create(r2, log(p, 'referral.create'));
      expect(await s.referrals.get(p, r1.id)).toEqual(r1);
      expect(ids(await s.referrals.listForSubject(p, { limit: 10 }))).toEqual([r2.id, r1.id]);
      expect(ids(await other.referrals.listForReferrer(referrer.id, { limit: 10, after: { createdAt: r2.createdAt, id: r2.id } }))).toEqual([r1.id]);
      const g = grant(p, { granteeAccountId: referee.id });
      const outcomes = await Promise.all([s.referrals.approve(r1, g, log(p, 'grant.create')), other.referrals.deny(r1, T0 + 5, log(p, 'referral.deny'))]);
      expect(outcomes.filter((o) => o === 'not-pending')).toHaveLength(1);
      expect(Boolean(await s.grants.get(p, g.id))).toBe(outcomes[0] === 'approved');
      expect(ids(await s.referrals.listForSubject(p, { status: 'pending', limit: 10 }))).toEqual([r2.id]);
    });

    it('finds a grant by id alone, and active grants expiring in a window, in keyset pages', async () => {
      const p = await person();
      const base = T0 + 5000 * HOUR;
      const gs = [1, 2, 3].map((h) => grant(p, { expiresAt: base + h * HOUR }));
      const gone = grant(p, { expiresAt: base + 2 * HOUR, revokedAt: T0, revokedReason: 'revoked-by-subject' });
      for (const g of [...gs, gone]) await s.grants.create(g, log(p, 'grant.create'));
      expect(await other.grants.find(gs[0]!.id)).toEqual(gs[0]);
      expect(await s.grants.find(id())).toBeUndefined();
      const page = await s.grants.expiringBetween(base + HOUR, base + 3 * HOUR, 1);
      expect(ids(page)).toEqual([gs[0]!.id]);
      expect(ids(await s.grants.expiringBetween(base + HOUR, base + 3 * HOUR, 10, { expiresAt: page[0]!.expiresAt, id: page[0]!.id }))).toEqual([gs[1]!.id]);
    });
  });

  describe('invites, sent requests, names and escalation', () => {
    it('an invite is spent once across connections, and not after it expires', async () => {
      const p = await person();
      const [a, b] = [account(), account()];
      await s.accounts.create(a);
      await s.accounts.create(b);
      await s.invites.create({ codeHash: 'hash-1', id: id(), subjectId: p, createdAt: T0, expiresAt: T0 + HOUR, usedAt: null, usedByAccountId: null });
      await s.invites.create({ codeHash: 'hash-2', id: id(), subjectId: p, createdAt: T0, expiresAt: T0 + HOUR, usedAt: null, usedByAccountId: null });
      const spent = await Promise.all([s.invites.redeem('hash-1', a.id, T0 + 1), other.invites.redeem('hash-1', b.id, T0 + 1)]);
      expect(spent.filter((x) => x === p)).toHaveLength(1);
      expect(spent.filter((x) => x === undefined)).toHaveLength(1);
      expect(await s.invites.redeem('hash-2', a.id, T0 + HOUR)).toBeUndefined();
      expect(await s.invites.redeem('no-such', a.id, T0)).toBeUndefined();
    });

    it('a requester’s sent requests come newest first, including those to an id no one has', async () => {
      const p = await person();
      const sender = account();
      await s.accounts.create(sender);
      const req = (subjectId: string, createdAt: number) => ({
        id: id(),
        subjectId,
        requesterAccountId: sender.id,
        requesterOrganisationId: null,
        access: 'read' as const,
        categories: ['goals'],
        types: null,
        fromAt: null,
        toAt: null,
        purpose: 'direct-care',
        sealedPurposeText: null,
        grantExpiresAt: T0 + 90 * 24 * HOUR,
        createdAt,
        expiresAt: T0 + 30 * 24 * HOUR,
        status: 'pending' as const,
        decidedAt: null,
        grantId: null,
      });
      const [r1, r2] = [req(p, T0 + 1), req(id(), T0 + 2)];
      await s.accessRequests.create(r1);
      await other.accessRequests.create(r2);
      expect(ids(await s.accessRequests.listForRequester(sender.id, { limit: 10 }))).toEqual([r2.id, r1.id]);
      expect(ids(await other.accessRequests.listForRequester(sender.id, { limit: 10, after: { createdAt: r2.createdAt, id: r2.id } }))).toEqual([r1.id]);
    });

    it('an organisation’s accounts are listed, and a grant’s name sharing changes with its log entry, not once revoked', async () => {
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Members', kind: 'provider', createdAt: T0 });
      const members = [account({ organisationId: orgId }), account({ organisationId: orgId, kind: 'client', handle: null })];
      for (const m of members) await s.accounts.create(m);
      expect(ids(await other.accounts.listForOrganisation(orgId)).sort()).toEqual(ids(members).sort());
      const p = await person();
      const g = grant(p);
      await s.grants.create(g, log(p, 'grant.create'));
      const changed = await other.grants.setShareName(p, g.id, { shareName: true, integrity: 'kek-1.new-mac' }, log(p, 'grant.share-name'));
      expect(changed).toMatchObject({ shareName: true, integrity: 'kek-1.new-mac' });
      expect(await s.grants.get(p, g.id)).toMatchObject({ shareName: true });
      const gone = grant(p, { revokedAt: T0, revokedReason: 'revoked-by-subject', integrity: null });
      await s.grants.create(gone, log(p, 'grant.create'));
      expect(await s.grants.setShareName(p, gone.id, { shareName: true, integrity: 'kek-1.x' }, log(p, 'grant.share-name'))).toMatchObject({ shareName: false });
      expect(await s.grants.setShareName(p, id(), { shareName: true, integrity: 'kek-1.x' }, log(p, 'grant.share-name'))).toBeUndefined();
    });

    it('an unacknowledged match is due for escalation at its time and escalated once, with its copies', async () => {
      const p = await person();
      const [w, colleague] = [account(), account()];
      await s.accounts.create(w);
      await s.accounts.create(colleague);
      const base = T0 + 7000 * HOUR;
      const match: AlertRow = { id: id(), kind: 'match', watchId: id(), subjectId: p, watcherAccountId: w.id, recordId: null, type: 'phq9', at: base, sealedMatched: null, ackedAt: null, escalateAt: base + HOUR, escalatedAt: null, escalatedFrom: null };
      const acked: AlertRow = { ...match, id: id(), ackedAt: base + 1 };
      await s.records.insert([], { alerts: [match, acked], logs: [], deliveries: [] });
      expect(ids(await s.alerts.dueForEscalation(base, 10)).filter((x) => x === match.id)).toEqual([]);
      expect(ids(await other.alerts.dueForEscalation(base + HOUR, 1000)).filter((x) => x === match.id || x === acked.id)).toEqual([match.id]);
      const copy: AlertRow = { ...match, id: id(), kind: 'escalated', watcherAccountId: colleague.id, escalateAt: null, escalatedFrom: match.id };
      const outcomes = await Promise.all([
        s.alerts.escalate(match, base + HOUR, [copy], log(p, 'alert.escalate')),
        other.alerts.escalate(match, base + HOUR, [{ ...copy, id: id() }], log(p, 'alert.escalate')),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect(ids(await s.alerts.listForWatcher(colleague.id, { limit: 10 }))).toHaveLength(1);
      expect(ids(await s.alerts.dueForEscalation(base + 2 * HOUR, 1000)).filter((x) => x === match.id)).toEqual([]);
    });
  });

  describe('emergency access', () => {
    it('a policy is put, replaced and deleted; an access is opened with its grant, listed per person and organisation, flagged once', async () => {
      const p = await person();
      expect(await s.emergency.getPolicy(p)).toBeUndefined();
      await s.emergency.putPolicy({ subjectId: p, sealedPolicy: bytes('policy 1'), updatedAt: T0 }, log(p, 'emergency-policy.set'));
      await other.emergency.putPolicy({ subjectId: p, sealedPolicy: bytes('policy 2'), updatedAt: T0 + 1 }, log(p, 'emergency-policy.set'));
      expect(await s.emergency.getPolicy(p)).toEqual({ subjectId: p, sealedPolicy: bytes('policy 2'), updatedAt: T0 + 1 });
      const doctor = account();
      await s.accounts.create(doctor);
      const org = id();
      await s.organisations.create({ id: org, name: 'Out of hours', kind: 'gp-practice', createdAt: T0 });
      const g = grant(p, { granteeAccountId: doctor.id, purpose: 'emergency', expiresAt: T0 + HOUR });
      const access = { grantId: g.id, subjectId: p, organisationId: org, practitionerAccountId: doctor.id, openedAt: T0 + 2, expiresAt: T0 + HOUR, flaggedAt: null, sealedFlagStatement: null };
      await s.emergency.open(g, access, log(p, 'emergency-access.open'));
      expect(await other.grants.get(p, g.id)).toEqual(g);
      expect(await other.emergency.get(p, g.id)).toEqual(access);
      expect((await s.emergency.listForSubject(p)).map((a) => a.grantId)).toEqual([g.id]);
      expect((await s.emergency.listForOrganisation(org, 10)).map((a) => a.grantId)).toEqual([g.id]);
      const [first, second] = await Promise.all([
        s.emergency.flag(p, g.id, T0 + 3, bytes('unjustified'), log(p, 'emergency-access.flag')),
        other.emergency.flag(p, g.id, T0 + 4, null, log(p, 'emergency-access.flag')),
      ]);
      // Flagged once: whichever came second finds it already flagged and changes nothing.
      expect(first!.flaggedAt).toBe(second!.flaggedAt);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 100, action: 'emergency-access.flag' })).length).toBe(1);
      expect(await s.emergency.deletePolicy(p, log(p, 'emergency-policy.delete'))).toBe(true);
      expect(await other.emergency.deletePolicy(p, log(p, 'emergency-policy.delete'))).toBe(false);
      expect(await s.emergency.get(p, id())).toBeUndefined();
    });
  });

  describe('disputes', () => {
    it('one open dispute per record even when two connections race; views find the latest; the writer lists them; resolution happens once and stores the amendment with it', async () => {
      const p = await person();
      const org = id();
      await s.organisations.create({ id: org, name: 'Hillside', kind: 'gp-practice', createdAt: T0 });
      const disputed = record(p, { sourceKind: 'practitioner', sourceAccountId: 'gp-1', sourceOrganisationId: org });
      const other2 = record(p, { sourceKind: 'practitioner', sourceAccountId: 'gp-2', sourceOrganisationId: null, effectiveAt: T0 + 1 });
      await s.records.insert([disputed, other2]);
      const row = (over: Partial<DisputeRow> = {}): DisputeRow => ({
        id: id(), subjectId: p, recordId: disputed.id, writerAccountId: 'gp-1', writerOrganisationId: org, status: 'open',
        sealedStatement: bytes('statement'), createdAt: T0 + 10, resolvedAt: null, resolvedByAccountId: null, sealedNote: null, replacementRecordId: null, ...over,
      });
      const [a, b] = [row(), row({ createdAt: T0 + 11 })];
      const raced = await Promise.allSettled([s.disputes.create(a, log(p, 'dispute.open')), other.disputes.create(b, log(p, 'dispute.open'))]);
      expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = raced.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictError);
      const won = raced[0]!.status === 'fulfilled' ? a : b;
      expect(await other.disputes.get(won.id)).toEqual(won);
      const c = row({ recordId: other2.id, writerAccountId: 'gp-2', writerOrganisationId: null, createdAt: T0 + 12 });
      await s.disputes.create(c, log(p, 'dispute.open'));
      expect(ids(await s.disputes.forRecords(p, [disputed.id, other2.id, id()])).sort()).toEqual([won.id, c.id].sort());
      expect(ids(await other.disputes.listForWriter(org, 'anyone', { limit: 10 }))).toEqual([won.id]);
      expect(ids(await other.disputes.listForWriter(null, 'gp-2', { limit: 10, status: 'open' }))).toEqual([c.id]);
      expect(await s.disputes.listForWriter(null, 'gp-2', { limit: 10, status: 'upheld' })).toEqual([]);
      expect(ids(await s.disputes.listForWriter(null, 'gp-2', { limit: 10, after: { createdAt: c.createdAt, id: c.id } }))).toEqual([]);
      // Resolved once: the second resolution finds it resolved and stores nothing.
      const amendment = record(p, { sourceKind: 'practitioner', sourceAccountId: 'gp-1', sourceOrganisationId: org, effectiveAt: T0 + 2 });
      const outcome = { status: 'amended' as const, resolvedAt: T0 + 20, resolvedByAccountId: 'gp-1', sealedNote: bytes('note'), replacement: amendment };
      const both = await Promise.all([s.disputes.resolve(won, outcome, log(p, 'dispute.resolve')), other.disputes.resolve(won, { ...outcome, replacement: { ...amendment, id: id() } }, log(p, 'dispute.resolve'))]);
      expect(both.sort()).toEqual(['not-open', 'resolved']);
      const after = (await s.disputes.get(won.id))!;
      expect(after).toMatchObject({ status: 'amended', resolvedAt: T0 + 20, sealedNote: bytes('note') });
      const everything = await s.records.list({ subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] }, { limit: 10 });
      expect(everything).toHaveLength(3);
      expect(everything.find((r) => r.id === disputed.id)).toEqual(disputed);
      expect((await s.accessLog.list(p, { order: 'asc', limit: 100, action: 'dispute.resolve' })).length).toBe(1);
      // Entered in error: left out of reads that ask for it, kept in the person's own.
      await s.disputes.resolve(c, { status: 'entered-in-error', resolvedAt: T0 + 21, resolvedByAccountId: 'gp-2', sealedNote: null, replacement: null }, log(p, 'dispute.resolve'));
      const all = { subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] };
      expect(ids(await other.records.list(all, { limit: 10, hideEnteredInError: true }))).not.toContain(other2.id);
      expect(ids(await other.records.list(all, { limit: 10 }))).toContain(other2.id);
      await chainHolds(s, p);
      // A new dispute on a resolved record may be opened; erasure takes every dispute with the person.
      await other.disputes.create(row({ createdAt: T0 + 30 }), log(p, 'dispute.open'));
      await s.subjects.erase(p, log(p, 'subject.erase', { actor: { accountId: null, organisationId: null, kind: 'citizen' } }));
      expect(await s.disputes.forRecords(p, [disputed.id, other2.id])).toEqual([]);
      expect(await s.disputes.get(won.id)).toBeUndefined();
    });
  });

  describe('imports and bulk exports', () => {
    const job = (subjectId: string, over: Partial<ImportJobRow> = {}): ImportJobRow => ({
      id: id(),
      subjectId,
      accountId: 'importer',
      format: 'omh',
      status: 'running',
      total: 2,
      processed: 0,
      added: 0,
      skipped: 0,
      sealedErrors: null,
      createdAt: T0,
      finishedAt: null,
      ...over,
    });

    it('an import stores its records, digests, log entry and completion at once; a digest stored meanwhile stores nothing', async () => {
      const p = await person();
      const j = job(p);
      await s.imports.createJob(j);
      await other.imports.progress(j.id, 1);
      expect(await s.imports.getJob(p, j.id)).toMatchObject({ status: 'running', processed: 1 });
      expect(await s.imports.getJob(await person(), j.id)).toBeUndefined();
      const [a, b] = [record(p), record(p)];
      const entry = log(p, 'records.append', { recordIds: [a.id, b.id] });
      expect(await s.imports.store({ id: j.id, subjectId: p, added: 2, skipped: 1, now: T0 + 1 }, [a, b], [{ digest: 'd1', recordId: a.id }, { digest: 'd2', recordId: b.id }], entry, { alerts: [], logs: [], deliveries: [] }, [])).toBe(true);
      expect(await other.imports.getJob(p, j.id)).toMatchObject({ status: 'completed', added: 2, skipped: 1, processed: 3, finishedAt: T0 + 1 });
      expect((await s.accessLog.list(p, { order: 'desc', limit: 1 }))[0]).toMatchObject({ action: 'records.append', recordIds: [a.id, b.id] });
      expect((await other.imports.known(p, ['d1', 'd2', 'd3'])).sort()).toEqual(['d1', 'd2']);
      expect(await s.imports.known(await person(), ['d1'])).toEqual([]);
      // A second import holding d2 (stored by the first meanwhile): nothing of it is stored.
      const j2 = job(p);
      await s.imports.createJob(j2);
      const c = record(p);
      expect(await other.imports.store({ id: j2.id, subjectId: p, added: 1, skipped: 0, now: T0 }, [c], [{ digest: 'd2', recordId: c.id }], null, { alerts: [], logs: [], deliveries: [] }, [])).toBe(false);
      expect(await s.records.getMany(p, [c.id])).toEqual([]);
      expect((await s.imports.getJob(p, j2.id))!.status).toBe('running');
      await s.imports.fail(j2.id, bytes('sealed errors'), T0 + 2);
      expect(await other.imports.getJob(p, j2.id)).toMatchObject({ status: 'failed', sealedErrors: bytes('sealed errors'), finishedAt: T0 + 2 });
      // Deleting a record frees its digest.
      await s.records.delete(p, a.id, log(p, 'records.delete'));
      expect(await s.imports.known(p, ['d1', 'd2'])).toEqual(['d2']);
    });

    it('a bulk export stores parts and one log entry per person while running, counts them, cancels once, and expires', async () => {
      const [p, q] = [await person(), await person()];
      const org = { id: id(), name: 'Practice', kind: 'gp-practice', createdAt: T0 };
      await s.organisations.create(org);
      const by = account({ organisationId: org.id });
      await s.accounts.create(by);
      const row: BulkExportRow = {
        id: id(),
        organisationId: org.id,
        accountId: by.id,
        status: 'running',
        request: 'http://x/fhir/r4/Group/o/$export',
        types: ['Patient', 'Observation'],
        since: null,
        transactionTime: T0,
        totalPeople: 2,
        donePeople: 0,
        error: null,
        finishedAt: null,
        expiresAt: T0 + HOUR,
      };
      await s.bulkExports.create(row);
      const part = (subjectId: string, resourceType: string, seq: number, count: number) => ({ exportId: row.id, resourceType, seq, subjectId, count, grantIds: ['g'], payload: bytes(`${resourceType} ${seq}`) });
      expect(await s.bulkExports.addParts(row.id, [part(p, 'Patient', 1, 1), part(p, 'Observation', 1, 3)])).toBe(true);
      expect(await other.bulkExports.finishPerson(row.id, log(p, 'records.bulk-export'))).toBe(true);
      expect(await other.bulkExports.addParts(row.id, [part(q, 'Observation', 2, 2), part(q, 'Observation', 3, 1)])).toBe(true);
      expect(await s.bulkExports.finishPerson(row.id, log(q, 'records.bulk-export'))).toBe(true);
      await s.bulkExports.finish(row.id, 'completed', null, T0 + 5);
      expect(await other.bulkExports.get(row.id)).toMatchObject({ status: 'completed', donePeople: 2, finishedAt: T0 + 5, types: ['Patient', 'Observation'] });
      expect(Object.fromEntries((await s.bulkExports.counts(row.id)).map((c) => [c.resourceType, Number(c.count)]))).toEqual({ Patient: 1, Observation: 6 });
      const pages = [await other.bulkExports.parts(row.id, 'Observation', 0, 2), await other.bulkExports.parts(row.id, 'Observation', 2, 2)];
      expect(pages.map((pg) => pg.map((x) => [x.seq, x.subjectId]))).toEqual([[[1, p], [2, q]], [[3, q]]]);
      expect(pages[0]![0]).toMatchObject({ grantIds: ['g'], payload: bytes('Observation 1') });
      expect((await s.accessLog.list(q, { order: 'desc', limit: 1 }))[0]!.action).toBe('records.bulk-export');
      // Cancelled: output gone, nothing more stored, a second cancel is a no-op.
      expect(await s.bulkExports.cancel(row.id, T0 + 6)).toBe(true);
      expect(await other.bulkExports.cancel(row.id, T0 + 7)).toBe(false);
      expect(await s.bulkExports.parts(row.id, 'Observation', 0, 10)).toEqual([]);
      expect(await s.bulkExports.addParts(row.id, [part(p, 'Goal', 1, 1)])).toBe(false);
      expect(await s.bulkExports.finishPerson(row.id, log(p, 'records.bulk-export'))).toBe(false);
      await s.bulkExports.finish(row.id, 'completed', null, T0 + 8);
      expect((await s.bulkExports.get(row.id))!.status).toBe('cancelled');
      expect(await other.bulkExports.expire(T0 + HOUR + 1)).toBeGreaterThanOrEqual(1);
      expect(await s.bulkExports.get(row.id)).toBeUndefined();
    });

    it('erasing a person removes their import jobs, digests and bulk output', async () => {
      const p = await person();
      const j = job(p);
      await s.imports.createJob(j);
      const r = record(p);
      await s.imports.store({ id: j.id, subjectId: p, added: 1, skipped: 0, now: T0 }, [r], [{ digest: 'e1', recordId: r.id }], null, { alerts: [], logs: [], deliveries: [] }, []);
      await s.subjects.erase(p, log(p, 'subject.erase', { actor: { accountId: null, organisationId: null, kind: 'citizen' } }));
      expect(await s.imports.getJob(p, j.id)).toBeUndefined();
      expect(await other.imports.known(p, ['e1'])).toEqual([]);
    });

    it('sessions keep their SMART scope; lists run oldest first when asked', async () => {
      const a = account();
      await s.accounts.create(a);
      const sid = id();
      await s.sessions.create({ id: sid, accountId: a.id, createdAt: T0, expiresAt: T0 + HOUR, revokedAt: null, scope: 'user/Observation.rs', integrity: 'kek-1.mac' }, null);
      expect((await other.sessions.authLookup(sid))!.sessionScope).toBe('user/Observation.rs');
      const p = await person();
      const rows = Array.from({ length: 9 }, (_, i) => record(p, { effectiveAt: T0 + (i % 3) * HOUR }));
      await s.records.insert(rows);
      const scope: Scope = { subjectId: p, slices: [{ categories: null, types: null, from: null, to: null }] };
      const expected = [...rows].sort((x, y) => x.effectiveAt - y.effectiveAt || (x.id < y.id ? -1 : 1));
      const first = await other.records.list(scope, { limit: 4, order: 'asc' });
      const last = first[first.length - 1]!;
      const rest = await other.records.list(scope, { limit: 10, order: 'asc', after: { effectiveAt: last.effectiveAt, id: last.id } });
      expect(ids([...first, ...rest])).toEqual(ids(expected));
    });
  });

  describe('series chunks', () => {
    const DAY = 86_400_000;
    const D0 = Math.floor(T0 / DAY) * DAY;
    const noEffects = { alerts: [], logs: [], deliveries: [] };
    function chunk(subjectId: string, over: Partial<SeriesChunkRow> = {}): SeriesChunkRow {
      return {
        id: id(),
        subjectId,
        category: 'health-status',
        type: 'heart-rate',
        day: D0,
        firstAt: D0 + HOUR,
        lastAt: D0 + 2 * HOUR,
        count: 61,
        sourceKind: 'self',
        sourceAccountId: 'writer-1',
        sourceOrganisationId: null,
        createdAt: T0,
        updatedAt: T0,
        revision: 0,
        payload: bytes(`sealed ${id()}`),
        ...over,
      };
    }
    async function storeChunks(storage: Storage, p: string, chunks: SeriesChunkRow[]) {
      const j: ImportJobRow = { id: id(), subjectId: p, accountId: 'writer-1', format: 'omh', status: 'running', total: 1, processed: 0, added: 0, skipped: 0, sealedErrors: null, createdAt: T0, finishedAt: null };
      await storage.imports.createJob(j);
      return storage.imports.store({ id: j.id, subjectId: p, added: 1, skipped: 0, now: T0 }, [], [], null, noEffects, chunks);
    }
    const all = (subjectId: string, over: Partial<Slice> = {}): Scope => ({ subjectId, slices: [{ categories: null, types: null, from: null, to: null, ...over }] });

    it('a window bound selects a chunk with any reading on its side; category and type as records; (day, id) order both ways', async () => {
      const p = await person();
      const days = [0, 1, 2].map((d) => chunk(p, { day: D0 + d * DAY, firstAt: D0 + d * DAY + HOUR, lastAt: D0 + d * DAY + 20 * HOUR }));
      const other1 = chunk(p, { type: 'steps', category: 'healthy-living', day: D0 + DAY, firstAt: D0 + DAY, lastAt: D0 + DAY + 1000 });
      expect(await storeChunks(s, p, [...days, other1])).toBe(true);
      expect(ids(await other.series.list(all(p), { limit: 10 }))).toEqual(ids([days[2]!, ...[days[1]!, other1].sort((a, b) => (a.id < b.id ? 1 : -1)), days[0]!]));
      // From day 1 at 21:00: day 1's last reading is at 20:00, so days 2 only (and steps ended at 00:00).
      expect(ids(await s.series.list(all(p, { from: D0 + DAY + 21 * HOUR }), { limit: 10 }))).toEqual([days[2]!.id]);
      // To day 1 at 00:30: day 1 starts at 01:00, so day 0 and the steps chunk.
      expect(ids(await s.series.list(all(p), { limit: 10, to: D0 + DAY + HOUR / 2, types: ['heart-rate'] }))).toEqual([days[0]!.id]);
      expect(ids(await s.series.list(all(p, { types: ['steps'] }), { limit: 10 }))).toEqual([other1.id]);
      expect(await s.series.list({ subjectId: p, slices: [] }, { limit: 10 })).toEqual([]);
      const asc = await s.series.list(all(p), { limit: 2, order: 'asc' });
      const rest = await s.series.list(all(p), { limit: 10, order: 'asc', after: { effectiveAt: asc[1]!.day, id: asc[1]!.id } });
      expect([...asc, ...rest]).toHaveLength(4);
      expect(asc[0]).toEqual(days[0]);
      expect(await other.series.get(all(p, { to: D0 + DAY + HOUR / 2 }), days[2]!.id)).toBeUndefined();
      expect((await other.series.get(all(p), days[2]!.id))!.payload).toEqual(days[2]!.payload);
      expect(await s.series.get(all(await person()), days[2]!.id)).toBeUndefined();
      expect(await s.series.subjectOf(days[1]!.id)).toBe(p);
      expect(await s.series.subjectOf(id())).toBeUndefined();
    });

    it('a writer finds its own chunks by day; a merge stores only over the revision it read; a second new chunk for the same day loses', async () => {
      const p = await person();
      const c = chunk(p);
      expect(await storeChunks(s, p, [c])).toBe(true);
      const wanted = [{ category: 'health-status', type: 'heart-rate', day: D0 }];
      expect(ids(await other.series.ofWriter(p, 'writer-1', wanted))).toEqual([c.id]);
      expect(await s.series.ofWriter(p, 'writer-2', wanted)).toEqual([]);
      expect(await s.series.ofWriter(p, 'writer-1', [{ category: 'mental-wellbeing', type: 'heart-rate', day: D0 }])).toEqual([]);
      // Another import creating the same writer-day chunk: nothing of it is stored.
      expect(await storeChunks(other, p, [chunk(p)])).toBe(false);
      const merged = { ...c, count: 62, lastAt: c.lastAt + 60_000, updatedAt: T0 + 1, revision: 1, payload: bytes('merged') };
      expect(await storeChunks(other, p, [merged])).toBe(true);
      // A merge over the old revision (read before the one above) stores nothing.
      expect(await storeChunks(s, p, [{ ...c, revision: 1, payload: bytes('stale') }])).toBe(false);
      expect(await s.series.get(all(p), c.id)).toEqual(merged);
    });

    it('deleting a chunk logs it; erasing the person removes their chunks', async () => {
      const p = await person();
      const [a, b] = [chunk(p), chunk(p, { day: D0 + DAY, firstAt: D0 + DAY, lastAt: D0 + DAY })];
      await storeChunks(s, p, [a, b]);
      expect(await other.series.delete(p, a.id, log(p, 'records.delete', { recordIds: [a.id] }))).toBe(true);
      expect(await s.series.delete(p, a.id, log(p, 'records.delete'))).toBe(false);
      expect(await s.series.delete(await person(), b.id, log(p, 'records.delete'))).toBe(false);
      expect((await s.accessLog.list(p, { order: 'desc', limit: 1 }))[0]).toMatchObject({ action: 'records.delete', recordIds: [a.id] });
      await s.subjects.erase(p, log(p, 'subject.erase', { actor: { accountId: null, organisationId: null, kind: 'citizen' } }));
      expect(await other.series.subjectOf(b.id)).toBeUndefined();
    });
  });

  describe('watches, alerts, webhooks', () => {
    it('watches live until removed once, with the notice and log entry of the removal', async () => {
      const p = await person();
      const w = account();
      await s.accounts.create(w);
      const watch = (type: string, at: number): WatchRow => ({ id: id(), subjectId: p, watcherAccountId: w.id, watcherOrganisationId: null, type, rule: '{"op":"ge"}', createdAt: at, deletedAt: null, deletedBy: null });
      const [a, b] = [watch('phq9', T0 + 1), watch('gad7', T0 + 2)];
      await s.watches.create(a, log(p, 'watch.create'));
      await s.watches.create(b, log(p, 'watch.create'));
      const w2 = account();
      await s.accounts.create(w2);
      const c = { ...watch('phq9', T0 + 2), watcherAccountId: w2.id };
      await s.watches.create(c, log(p, 'watch.create'));
      const live = ids(await other.watches.listForSubject(p));
      expect(live[0]).toBe(a.id);
      expect(live.slice(1).sort()).toEqual([b.id, c.id].sort());
      expect(ids(await s.watches.listForSubject(p, 'gad7'))).toEqual([b.id]);
      expect(ids(await s.watches.listForWatcher(w.id, p))).toEqual([a.id, b.id]);
      const ordered = [a, ...[b, c].sort((x, y) => (x.id < y.id ? -1 : 1))];
      const page1 = await s.watches.pageForSubject(p, { limit: 2 });
      expect(ids(page1)).toEqual(ids(ordered.slice(0, 2)));
      const last = page1[1]!;
      expect(ids(await other.watches.pageForSubject(p, { after: { createdAt: last.createdAt, id: last.id }, limit: 2 }))).toEqual([ordered[2]!.id]);
      expect(await s.watches.countLive(p, w.id)).toEqual({ total: 3, byWatcher: 2 });
      expect(await s.watches.countLive(p, 'nobody')).toEqual({ total: 3, byWatcher: 0 });
      const notice: AlertRow = { id: id(), kind: 'watch-removed', watchId: a.id, subjectId: p, watcherAccountId: w.id, recordId: null, type: 'phq9', at: T0 + 3, sealedMatched: null, ackedAt: null, escalateAt: null, escalatedAt: null, escalatedFrom: null };
      const results = await Promise.all([s.watches.remove(a, 'subject', T0 + 3, notice, log(p, 'watch.delete')), other.watches.remove(a, 'watcher', T0 + 4, null, null)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await s.watches.get(p, a.id)).toBeUndefined();
      expect(ids(await s.watches.listForSubject(p)).sort()).toEqual([b.id, c.id].sort());
      expect(await s.watches.countLive(p, w.id)).toEqual({ total: 2, byWatcher: 1 });
    });

    it('alerts: a watcher’s feed newest first with keyset pages and an unacked filter; ack stamps once', async () => {
      const p = await person();
      const w = account();
      await s.accounts.create(w);
      const make = (at: number): AlertRow => ({ id: id(), kind: 'match', watchId: id(), subjectId: p, watcherAccountId: w.id, recordId: null, type: 'phq9', at, sealedMatched: bytes('m'), ackedAt: null, escalateAt: null, escalatedAt: null, escalatedFrom: null });
      const rows = [make(T0 + 1), make(T0 + 2), make(T0 + 3)];
      await s.records.insert([], { alerts: rows, logs: [], deliveries: [] });
      expect(ids(await s.alerts.listForWatcher(w.id, { limit: 10 }))).toEqual([rows[2]!.id, rows[1]!.id, rows[0]!.id]);
      expect(ids(await s.alerts.listForWatcher(w.id, { limit: 10, before: { at: rows[1]!.at, id: rows[1]!.id } }))).toEqual([rows[0]!.id]);
      expect((await other.alerts.ack(w.id, rows[1]!.id, T0 + 9))?.ackedAt).toBe(T0 + 9);
      expect((await s.alerts.ack(w.id, rows[1]!.id, T0 + 10))?.ackedAt).toBe(T0 + 9);
      expect(ids(await s.alerts.listForWatcher(w.id, { limit: 10, unacked: true }))).toEqual([rows[2]!.id, rows[0]!.id]);
      expect(await s.alerts.get('someone-else', rows[0]!.id)).toBeUndefined();
      expect(await s.alerts.ack('someone-else', rows[0]!.id, T0)).toBeUndefined();
    });

    it('webhooks: upsert, list, delete; deliveries are claimed once across connections, leased, and due again after the lease', async () => {
      const p = await person();
      const w = account();
      await s.accounts.create(w);
      const orgId = id();
      await s.organisations.create({ id: orgId, name: 'Claims', kind: 'provider', createdAt: T0 });
      await s.webhooks.put({ organisationId: orgId, url: 'https://a.example/hook', kekId: 'k1', sealedSecret: bytes('s1'), createdAt: T0 });
      await other.webhooks.put({ organisationId: orgId, url: 'https://b.example/hook', kekId: 'k2', sealedSecret: bytes('s2'), createdAt: T0 + 1 });
      expect(await s.webhooks.get(orgId)).toEqual({ organisationId: orgId, url: 'https://b.example/hook', kekId: 'k2', sealedSecret: bytes('s2'), createdAt: T0 + 1 });
      expect((await s.webhooks.listAll()).map((h) => h.organisationId)).toContain(orgId);

      const far = T0 + 1000 * HOUR;
      const alertRows: AlertRow[] = Array.from({ length: 10 }, (_, i) => ({ id: id(), kind: 'match', watchId: id(), subjectId: p, watcherAccountId: w.id, recordId: null, type: 'phq9', at: T0 + i, sealedMatched: null, ackedAt: null, escalateAt: null, escalatedAt: null, escalatedFrom: null }));
      const deliveries: DeliveryRow[] = alertRows.map((a, i) => ({ id: id(), organisationId: orgId, alertId: a.id, status: 'pending', attempts: 0, nextAttemptAt: far + i, lastError: null, createdAt: T0 + i, deliveredAt: null }));
      await s.records.insert([], { alerts: alertRows, logs: [], deliveries });
      const now = far + 100;
      const [mine, theirs] = await Promise.all([s.webhooks.claim(now, 6, 60_000), other.webhooks.claim(now, 6, 60_000)]);
      const claimed = [...ids(mine), ...ids(theirs)];
      expect(new Set(claimed).size).toBe(claimed.length);
      expect(claimed.sort()).toEqual(ids(deliveries).sort());
      expect(mine.every((d) => d.nextAttemptAt === now + 60_000)).toBe(true);
      expect(await s.webhooks.claim(now + 59_999, 20, 60_000)).toEqual([]);
      const first = mine[0] ?? theirs[0]!;
      await s.webhooks.settle(first.id, { status: 'delivered', attempts: 1, nextAttemptAt: now, lastError: null, deliveredAt: now });
      const again = await other.webhooks.claim(now + 60_000, 20, 60_000);
      expect(again).toHaveLength(9);
      expect(ids(again)).not.toContain(first.id);
      expect((await s.webhooks.listDeliveries(orgId, 20)).find((d) => d.id === first.id)).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: now });
      expect(await s.webhooks.delete(orgId)).toBe(true);
      expect(await s.webhooks.delete(orgId)).toBe(false);
      expect(await s.webhooks.get(orgId)).toBeUndefined();
    });
  });

  describe('small stores', () => {
    it('organisations list by name', async () => {
      const [b, a] = [
        { id: id(), name: `zz-${id()}`, kind: 'other', createdAt: T0 },
        { id: id(), name: `zy-${id()}`, kind: 'other', createdAt: T0 },
      ];
      await s.organisations.create(b);
      await other.organisations.create(a);
      const names = (await s.organisations.list()).map((o) => o.name);
      expect(names.indexOf(a.name)).toBeLessThan(names.indexOf(b.name));
      expect(await s.organisations.get(a.id)).toEqual(a);
    });

    it('a client assertion id is accepted once, on any connection, until it expires', async () => {
      const jti = id();
      expect(await s.assertions.remember('client-a', jti, T0 + 300_000, T0)).toBe(true);
      expect(await other.assertions.remember('client-a', jti, T0 + 300_000, T0 + 1)).toBe(false);
      expect(await s.assertions.remember('client-b', jti, T0 + 300_000, T0 + 1)).toBe(true);
      const raced = id();
      const both = await Promise.all([s.assertions.remember('client-a', raced, T0 + 300_000, T0), other.assertions.remember('client-a', raced, T0 + 300_000, T0)]);
      expect(both.filter(Boolean)).toHaveLength(1);
    });

    it('counters count hits in fixed windows, start again after one ends, peek without counting, and clear', async () => {
      const k = `c-${id()}`;
      expect(await s.counters.peek([k], T0)).toEqual([null]);
      expect(await s.counters.hit([k, `${k}-b`], 1000, T0)).toEqual([
        { count: 1, resetAt: T0 + 1000, last: T0 },
        { count: 1, resetAt: T0 + 1000, last: T0 },
      ]);
      expect(await s.counters.hit([k], 1000, T0 + 999)).toEqual([{ count: 2, resetAt: T0 + 1000, last: T0 + 999 }]);
      expect(await s.counters.peek([k, `${k}-none`], T0 + 999)).toEqual([{ count: 2, resetAt: T0 + 1000, last: T0 + 999 }, null]);
      expect(await s.counters.peek([k], T0 + 1000)).toEqual([null]);
      expect(await s.counters.hit([k], 1000, T0 + 1000)).toEqual([{ count: 1, resetAt: T0 + 2000, last: T0 + 1000 }]);
      // A sliding hit pushes the end of a live window, never pulls it in.
      expect(await s.counters.hit([k], 1000, T0 + 1500, { slide: true })).toEqual([{ count: 2, resetAt: T0 + 2500, last: T0 + 1500 }]);
      expect(await s.counters.hit([k], 100, T0 + 1600, { slide: true })).toEqual([{ count: 3, resetAt: T0 + 2500, last: T0 + 1600 }]);
      await s.counters.clear(k);
      expect(await s.counters.peek([k], T0 + 1601)).toEqual([null]);
      // Any string is a key, U+0000 and backslashes included, each its own counter.
      const odd = [`${k}\u0000a`, `${k}\\0a`, `${k}\\\u0000a`];
      await s.counters.hit(odd.slice(0, 1), 1000, T0);
      await s.counters.hit(odd.slice(0, 2), 1000, T0);
      expect((await s.counters.peek(odd, T0)).map((w) => w?.count ?? 0)).toEqual([2, 1, 0]);
      await s.counters.clear(odd[0]!);
      expect((await s.counters.peek(odd, T0)).map((w) => w?.count ?? 0)).toEqual([0, 1, 0]);
    });

    it('erasure: the key first, then every row of the person, and a tombstone that keeps the chain whole', async () => {
      const p = await person();
      const keep = await person();
      const r = record(p);
      await s.records.insert([r]);
      await s.records.insert([record(keep)]);
      const grantee = account();
      await s.accounts.create(grantee);
      const g = grant(p, { granteeAccountId: grantee.id });
      await s.grants.create(g, log(p, 'grant.create'));
      await s.records.append([record(p)], log(p, 'records.append'), { accountId: 'c', key: id(), subjectId: p, requestHash: 'h', result: '{}', createdAt: T0, expiresAt: T0 + HOUR });
      const h = (await s.accessLog.head(p))!;
      await s.accessLog.addCheckpoint({ id: id(), subjectId: p, seq: h.seq, hash: h.hash, at: T0, jws: 'a.b.c', through: null });
      await s.subjects.erase(p, log(p, 'subject.erase', { actor: { accountId: null, organisationId: null, kind: 'citizen' } }));
      expect(await other.keys.getWrapped(p)).toBeUndefined();
      expect(await s.records.getMany(p, [r.id])).toEqual([]);
      expect(await s.grants.get(p, g.id)).toBeUndefined();
      expect(await s.grants.listForSubject(p, { now: T0, limit: 10 })).toEqual([]);
      // Only the tombstone stays, as the first link of a new chain; checkpoints go too.
      expect(await chainHolds(s, p)).toBe(1);
      expect((await s.accessLog.list(p, { order: 'desc', limit: 1 }))[0]).toMatchObject({ action: 'subject.erase', seq: 1, prevHash: null });
      expect(await s.accessLog.checkpoints(p)).toEqual([]);
      expect(await s.accessLog.subjectIds()).toContain(p);
      expect(await s.keys.getWrapped(keep)).toBeDefined();
    });

    it('answers a ping, and says what it keeps in one process', async () => {
      await s.ping();
      expect(Array.isArray(s.processLocal)).toBe(true);
      expect(s.processLocal.length === 0).toBe(database.adapter === 'postgres');
    });
  });

  describe('several instances on one database', () => {
    it.runIf(postgresAdminUrl() !== undefined)('counters and events are shared across connections', async () => {
      const k = `shared-${id()}`;
      await s.counters.hit([k], 60_000, T0);
      expect(await other.counters.hit([k], 60_000, T0 + 1)).toEqual([{ count: 2, resetAt: T0 + 60_000, last: T0 + 1 }]);
      const heard: string[] = [];
      const off = other.events.subscribe('alert', (m) => heard.push(m));
      // The listening connection comes up asynchronously; publish until it hears.
      const payload = `w ${id()}`;
      for (let i = 0; i < 50 && !heard.includes(payload); i++) {
        await s.events.publish('alert', payload);
        await new Promise((r) => setTimeout(r, 100));
      }
      off();
      expect(heard).toContain(payload);
    });
  });
}
