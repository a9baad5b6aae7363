import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, chainHash, linkHolds, type ChainedContent } from '../../src/crypto/hash-chain.js';

const entry: ChainedContent = {
  id: '0190a000-0000-7000-8000-000000000001',
  subjectId: '0190a000-0000-7000-8000-0000000000aa',
  seq: 1,
  at: 1_767_225_600_000,
  actor: { accountId: '0190a000-0000-7000-8000-0000000000bb', organisationId: null, kind: 'practitioner' },
  action: 'records.read',
  grantIds: ['g1'],
  recordIds: ['r1', 'r2'],
  query: { categories: ['mental-wellbeing'], limit: 50 },
  prevHash: null,
};

describe('canonicalJson', () => {
  it('writes scalars as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(0)).toBe('0');
    expect(canonicalJson(-1.5)).toBe('-1.5');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
  });

  it('writes a value JSON has no text for (undefined) as null, as JSON does inside arrays', () => {
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([1, undefined, 'x'])).toBe('[1,null,"x"]');
  });

  it('sorts object keys at every depth, so insertion order never changes the bytes', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
  });

  it('leaves out keys whose value is undefined, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('keeps arrays in order and escapes keys', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ 'k"ey': 1 })).toBe('{"k\\"ey":1}');
  });

  it('is valid JSON that parses back to the same value, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const normal = JSON.parse(JSON.stringify(v)) as unknown;
        expect(JSON.parse(canonicalJson(normal))).toEqual(normal);
      }),
    );
  });
});

describe('chainHash', () => {
  const expected = (prev: string | null, e: ChainedContent) =>
    createHash('sha256')
      .update(`${prev ?? ''}\n${canonicalJson(e)}`)
      .digest('hex');

  it('is the SHA-256 of the previous hash, a newline and the canonical entry', () => {
    expect(chainHash(entry)).toBe(expected(null, entry));
    const next = { ...entry, seq: 2, prevHash: chainHash(entry) };
    expect(chainHash(next)).toBe(expected(next.prevHash, next));
    expect(chainHash(entry)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('covers only the chained fields: the stored hash and other extras never change it', () => {
    expect(chainHash({ ...entry, hash: 'abc', extra: 1 } as ChainedContent)).toBe(chainHash(entry));
  });

  it('changes when any covered field changes', () => {
    const edits: Partial<ChainedContent>[] = [
      { id: 'other' },
      { subjectId: 'other' },
      { seq: 2 },
      { at: entry.at + 1 },
      { actor: { ...entry.actor, kind: 'client' } },
      { action: 'records.append' },
      { grantIds: [] },
      { recordIds: ['r2', 'r1'] },
      { query: {} },
      { prevHash: 'f'.repeat(64) },
    ];
    const hashes = new Set([chainHash(entry), ...edits.map((e) => chainHash({ ...entry, ...e }))]);
    expect(hashes.size).toBe(edits.length + 1);
  });
});

describe('linkHolds', () => {
  type Hashed = ChainedContent & { hash: string };
  let first: Hashed;
  let second: Hashed;
  beforeAll(() => {
    first = { ...entry, hash: chainHash(entry) };
    const secondContent = { ...entry, id: 'e2', seq: 2, prevHash: first.hash };
    second = { ...secondContent, hash: chainHash(secondContent) };
  });

  it('holds for entries in place with matching hashes', () => {
    expect(linkHolds(first, null, 1)).toBe(true);
    expect(linkHolds(second, first.hash, 2)).toBe(true);
  });

  it('breaks when the previous hash is not the one expected', () => {
    expect(linkHolds(second, null, 2)).toBe(false);
    expect(linkHolds(first, second.hash, 1)).toBe(false);
  });

  it('breaks when the entry is out of position', () => {
    expect(linkHolds(first, null, 2)).toBe(false);
    expect(linkHolds(second, first.hash, 3)).toBe(false);
  });

  it('breaks when the content was edited after hashing', () => {
    expect(linkHolds({ ...first, action: 'records.delete' }, null, 1)).toBe(false);
    expect(linkHolds({ ...first, hash: second.hash }, null, 1)).toBe(false);
  });
});
