import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeysFile, Keyring, loadKeys, newKek, newSigningKey, parseKeysFile, writeKeysFile, type KeysFile } from '../../src/crypto/keyring.js';
import { ConfigError } from '../../src/errors.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-keyring-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

const when = new Date('2026-01-10T12:34:56.789Z');

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

/** A keys file with one more KEK and signing key, the current ones switched to them (as a rotation). */
function rotated(file: KeysFile): KeysFile {
  const kek = newKek();
  const sig = newSigningKey();
  return { ...file, currentKek: kek.id, keks: [...file.keks, kek], currentSigningKey: sig.kid, signingKeys: [...file.signingKeys, sig] };
}

describe('new keys', () => {
  it('a KEK is 32 random bytes in base64, with a dated id and its creation time', () => {
    const a = newKek(when);
    const b = newKek(when);
    expect(a.id).toMatch(/^kek-20260110-[0-9a-f]{8}$/);
    expect(Buffer.from(a.key, 'base64')).toHaveLength(32);
    expect(a.createdAt).toBe('2026-01-10T12:34:56.789Z');
    expect(a.id).not.toBe(b.id);
    expect(a.key).not.toBe(b.key);
  });

  it('a signing key is an Ed25519 private JWK with a dated kid, not yet retired', () => {
    const k = newSigningKey(when);
    expect(k.kid).toMatch(/^sig-20260110-[0-9a-f]{8}$/);
    expect(Object.keys(k.jwk).sort()).toEqual(['crv', 'd', 'kty', 'x']);
    expect(k.jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(Buffer.from(k.jwk.x, 'base64url')).toHaveLength(32);
    expect(Buffer.from(k.jwk.d, 'base64url')).toHaveLength(32);
    expect(k.createdAt).toBe(when.toISOString());
    expect(k.retiredAt).toBeNull();
    expect(newSigningKey(when).jwk.d).not.toBe(k.jwk.d);
  });

  it('a keys file names its only KEK and signing key as current, and passes its own check', () => {
    const f = generateKeysFile(when);
    expect(f.version).toBe(1);
    expect(f.keks).toHaveLength(1);
    expect(f.signingKeys).toHaveLength(1);
    expect(f.currentKek).toBe(f.keks[0]!.id);
    expect(f.currentSigningKey).toBe(f.signingKeys[0]!.kid);
    expect(f.keks[0]!.createdAt).toBe(when.toISOString());
    expect(parseKeysFile(JSON.stringify(f), 'k.json')).toEqual(f);
  });

  it('dates ids by the current day when not told the time', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-03-04T05:06:07Z'));
    expect(newKek().id).toMatch(/^kek-20270304-/);
    expect(newSigningKey().kid).toMatch(/^sig-20270304-/);
    expect(generateKeysFile().currentKek).toMatch(/^kek-20270304-/);
  });
});

describe('Keyring', () => {
  let file: KeysFile;
  let ring: Keyring;
  beforeAll(() => {
    file = generateKeysFile(when);
    ring = new Keyring(file);
  });

  it('holds the current KEK and signs with the current signing key', () => {
    expect(ring.currentKekId).toBe(file.currentKek);
    expect(Buffer.from(ring.currentKek())).toEqual(Buffer.from(file.keks[0]!.key, 'base64'));
    expect(ring.kek(file.currentKek)).toEqual(ring.currentKek());
    expect(ring.hasKek(file.currentKek)).toBe(true);
    expect(ring.hasKek('kek-other')).toBe(false);
    expect(ring.signing.kid).toBe(file.currentSigningKey);
  });

  it('exposes the signing key as PEM and as a public JWK without the private part', () => {
    const s = ring.signing;
    expect(s.privatePem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(s.publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(s.privateKey.type).toBe('private');
    expect(s.publicKey.type).toBe('public');
    expect(s.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: file.signingKeys[0]!.jwk.x, kid: file.currentSigningKey, alg: 'EdDSA', use: 'sig' });
  });

  it('publishes every signing key, current or not, in its JWKS', () => {
    const next = rotated(file);
    const r = new Keyring(next);
    expect(r.signing.kid).toBe(next.currentSigningKey);
    expect(r.jwks().keys.map((k) => k.kid)).toEqual(next.signingKeys.map((k) => k.kid));
    for (const k of r.jwks().keys) expect(k).not.toHaveProperty('d');
    expect(r.verifyingKey(file.currentSigningKey)?.publicJwk.x).toBe(file.signingKeys[0]!.jwk.x);
  });

  it('answers no verifying key, and a ConfigError naming the id for a KEK, it does not hold', () => {
    expect(ring.verifyingKey('sig-unknown')).toBeUndefined();
    expect(configError(() => ring.kek('kek-unknown'))).toBe('keys file has no KEK with id "kek-unknown"; the data was wrapped with a key you do not have');
  });

  it('refuses a file whose current signing key is not among its keys', () => {
    expect(configError(() => new Keyring({ ...file, currentSigningKey: 'sig-missing' }))).toBe('keys file: currentSigningKey names no key in signingKeys');
  });

  it('update replaces every key held', () => {
    const r = new Keyring(file);
    const other = generateKeysFile(when);
    r.update(other);
    expect(r.currentKekId).toBe(other.currentKek);
    expect(r.signing.kid).toBe(other.currentSigningKey);
    expect(r.hasKek(file.currentKek)).toBe(false);
    expect(r.jwks().keys.map((k) => k.kid)).toEqual([other.currentSigningKey]);
  });

  it('keys not from a file do not reload', () => {
    expect(new Keyring(file).reload()).toBe(false);
  });
});

describe('Keyring reading its file again', () => {
  function onDisk(): { keyPath: string; file: KeysFile; ring: Keyring } {
    const keyPath = path.join(tempDir(), 'keys.json');
    const file = generateKeysFile();
    writeKeysFile(keyPath, file);
    return { keyPath, file, ring: new Keyring(file, keyPath) };
  }

  it('reload picks up a rotation written by another process', () => {
    const { keyPath, file, ring } = onDisk();
    const next = rotated(file);
    writeKeysFile(keyPath, next);
    expect(ring.currentKekId).toBe(file.currentKek);
    expect(ring.reload()).toBe(true);
    expect(ring.currentKekId).toBe(next.currentKek);
    expect(ring.signing.kid).toBe(next.currentSigningKey);
  });

  it('reload of a file that became invalid throws and keeps the old keys', () => {
    const { keyPath, file, ring } = onDisk();
    fs.writeFileSync(keyPath, '{');
    expect(configError(() => ring.reload())).toBe(`${keyPath}: not valid JSON`);
    expect(ring.currentKekId).toBe(file.currentKek);
  });

  it('an unknown KEK or kid makes it re-read the file once, so keys rotated elsewhere are found', () => {
    const { keyPath, file, ring } = onDisk();
    const next = rotated(file);
    writeKeysFile(keyPath, next);
    expect(ring.kek(next.currentKek)).toEqual(new Uint8Array(Buffer.from(next.keks[1]!.key, 'base64')));
    expect(ring.currentKekId).toBe(next.currentKek);

    const { keyPath: p2, file: f2, ring: r2 } = onDisk();
    const n2 = rotated(f2);
    writeKeysFile(p2, n2);
    expect(r2.verifyingKey(n2.currentSigningKey)?.kid).toBe(n2.currentSigningKey);
  });

  it('re-reads at most once a second, however many unknown ids arrive', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T00:00:00.000Z'));
    const { keyPath, file, ring } = onDisk();
    // First miss: re-read (finds nothing new).
    expect(ring.verifyingKey('sig-nope')).toBeUndefined();
    const next = rotated(file);
    writeKeysFile(keyPath, next);
    vi.setSystemTime(new Date('2026-05-01T00:00:00.999Z'));
    expect(ring.verifyingKey(next.currentSigningKey)).toBeUndefined();
    expect(() => ring.kek(next.currentKek)).toThrow(ConfigError);
    vi.setSystemTime(new Date('2026-05-01T00:00:01.000Z'));
    expect(ring.verifyingKey(next.currentSigningKey)?.kid).toBe(next.currentSigningKey);
    expect(ring.kek(next.currentKek)).toHaveLength(32);
  });

  it('a re-read that fails is quiet: the lookup answers as if nothing changed', () => {
    const { keyPath, file, ring } = onDisk();
    fs.writeFileSync(keyPath, 'not json');
    expect(ring.verifyingKey('sig-nope')).toBeUndefined();
    expect(ring.verifyingKey(file.currentSigningKey)?.kid).toBe(file.currentSigningKey);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    expect(configError(() => ring.kek('kek-nope'))).toMatch(/^keys file has no KEK with id "kek-nope"/);
  });

  it('keys not from a file never re-read on a miss', () => {
    const ring = new Keyring(generateKeysFile());
    expect(ring.verifyingKey('sig-nope')).toBeUndefined();
    expect(() => ring.kek('kek-nope')).toThrow(ConfigError);
  });
});

describe('parseKeysFile', () => {
  let good: KeysFile;
  let kek0: KeysFile['keks'][number];
  let sig0: KeysFile['signingKeys'][number];
  beforeAll(() => {
    good = generateKeysFile(when);
    kek0 = good.keks[0]!;
    sig0 = good.signingKeys[0]!;
  });
  const text = (f: unknown) => JSON.stringify(f);
  const problem = (f: unknown) => configError(() => parseKeysFile(typeof f === 'string' ? f : text(f), 'keys.json'));

  it('accepts a generated file as it is', () => {
    expect(parseKeysFile(text(good), 'keys.json')).toEqual(good);
  });

  it('names the file and the first problem in one line', () => {
    expect(problem('{')).toBe('keys.json: not valid JSON');
    expect(problem('null')).toBe('keys.json: must be a JSON object');
    expect(problem('"text"')).toBe('keys.json: must be a JSON object');
    expect(problem({ ...good, version: 2 })).toBe('keys.json: "version" must be 1');
    expect(problem({ ...good, version: '1' })).toBe('keys.json: "version" must be 1');
    expect(problem({ ...good, keks: [] })).toBe('keys.json: "keks" must list at least one key');
    expect(problem({ ...good, keks: {} })).toBe('keys.json: "keks" must list at least one key');
    expect(problem({ ...good, currentKek: 'kek-other' })).toBe('keys.json: "currentKek" must name one of "keks"');
    expect(problem({ ...good, signingKeys: [] })).toBe('keys.json: "signingKeys" must list at least one key');
    expect(problem({ ...good, signingKeys: 'x' })).toBe('keys.json: "signingKeys" must list at least one key');
    expect(problem({ ...good, currentSigningKey: 'sig-other' })).toBe('keys.json: "currentSigningKey" must name one of "signingKeys"');
  });

  it('checks KEK ids: 1–64 letters, digits, ".", "_" or "-"', () => {
    const idProblem = 'keys.json: keks[1].id must be 1–64 letters, digits, ".", "_" or "-"';
    for (const id of ['', 'a'.repeat(65), 'bad id', ' kek', 'kek ', 'kek/../x', 7]) {
      expect(problem({ ...good, keks: [kek0, { ...kek0, id }] }), String(id)).toBe(idProblem);
    }
    for (const id of ['a', 'a'.repeat(64), 'Kek.2026_01-x']) {
      expect(() => parseKeysFile(text({ ...good, keks: [kek0, { ...kek0, id }] }), 'keys.json'), id).not.toThrow();
    }
    expect(problem({ ...good, keks: [null] })).toBe('keys.json: keks[0].id must be 1–64 letters, digits, ".", "_" or "-"');
  });

  it('checks KEKs are 32 bytes of base64', () => {
    for (const key of [Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64'), 32]) {
      expect(problem({ ...good, keks: [{ ...kek0, key }] })).toBe('keys.json: keks[0].key must be 32 bytes in base64');
    }
  });

  it('checks signing key ids like KEK ids', () => {
    for (const kid of ['', 'a'.repeat(65), 'sig key', null]) {
      expect(problem({ ...good, signingKeys: [sig0, { ...sig0, kid }] })).toBe('keys.json: signingKeys[1].kid must be 1–64 letters, digits, ".", "_" or "-"');
    }
    expect(problem({ ...good, signingKeys: [null] })).toBe('keys.json: signingKeys[0].kid must be 1–64 letters, digits, ".", "_" or "-"');
  });

  it('checks signing keys are Ed25519 private JWKs that work', () => {
    const jwkProblem = 'keys.json: signingKeys[0].jwk must be an Ed25519 private JWK (kty OKP, crv Ed25519, x, d)';
    const withJwk = (jwk: unknown) => ({ ...good, signingKeys: [{ ...sig0, jwk }] });
    expect(problem(withJwk(undefined))).toBe(jwkProblem);
    expect(problem(withJwk({ ...sig0.jwk, kty: 'EC' }))).toBe(jwkProblem);
    expect(problem(withJwk({ ...sig0.jwk, crv: 'X25519' }))).toBe(jwkProblem);
    expect(problem(withJwk({ ...sig0.jwk, x: 1 }))).toBe(jwkProblem);
    expect(problem(withJwk({ kty: 'OKP', crv: 'Ed25519', x: sig0.jwk.x }))).toBe(jwkProblem);
    expect(problem(withJwk({ ...sig0.jwk, d: 'AAAA' }))).toBe('keys.json: signingKeys[0].jwk is not a usable Ed25519 key');
  });
});

describe('loadKeys', () => {
  it('reads the file TESSERA_KEYS_FILE names, and keeps its path for reloads', () => {
    const dir = tempDir();
    const keyPath = path.join(dir, 'prod-keys.json');
    const file = generateKeysFile();
    writeKeysFile(keyPath, file);
    const loaded = loadKeys(keyPath, path.join(dir, 'data'));
    expect(loaded).toMatchObject({ file, path: keyPath, generated: false });
    expect(loaded.keyring.currentKekId).toBe(file.currentKek);
    expect(loaded.keyring.reload()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('says why a named file cannot be read, or names its problem', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'nope.json');
    expect(configError(() => loadKeys(missing, dir))).toBe(`TESSERA_KEYS_FILE ${missing}: cannot read (ENOENT)`);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '[]');
    expect(configError(() => loadKeys(bad, dir))).toBe(`${bad}: "version" must be 1`);
  });

  it('without a named file, generates dev keys under the data folder once, then reads them', () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = loadKeys(null, dataDir);
    const devPath = path.join(dataDir, 'keys.json');
    expect(first).toMatchObject({ path: devPath, generated: true });
    expect(JSON.parse(fs.readFileSync(devPath, 'utf8'))).toEqual(first.file);
    expect(first.keyring.reload()).toBe(true);
    const second = loadKeys(null, dataDir);
    expect(second).toMatchObject({ path: devPath, generated: false, file: first.file });
    expect(second.keyring.currentKekId).toBe(first.file.currentKek);
    expect(second.keyring.reload()).toBe(true);
  });

  it('checks dev keys it finds, naming their path', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'keys.json'), '{"version":1}');
    expect(configError(() => loadKeys(null, dataDir))).toBe(`${path.join(dataDir, 'keys.json')}: "keks" must list at least one key`);
  });
});

describe('writeKeysFile', () => {
  it('writes pretty JSON with a final newline, readable by the owner only, in a folder it makes owner-only', () => {
    const dir = path.join(tempDir(), 'a', 'b');
    const file = path.join(dir, 'keys.json');
    const keys = generateKeysFile();
    writeKeysFile(file, keys);
    expect(fs.readFileSync(file, 'utf8')).toBe(JSON.stringify(keys, null, 2) + '\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir)).toEqual(['keys.json']);
  });

  it('replaces an existing file whole', () => {
    const file = path.join(tempDir(), 'keys.json');
    writeKeysFile(file, generateKeysFile());
    const next = generateKeysFile();
    writeKeysFile(file, next);
    expect(parseKeysFile(fs.readFileSync(file, 'utf8'), file)).toEqual(next);
  });

  it('never writes through a file already at its temporary name (a planted link), and cleans it up', () => {
    const dir = tempDir();
    const file = path.join(dir, 'keys.json');
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'untouched');
    fs.symlinkSync(victim, `${file}.${process.pid}.tmp`);
    expect(configError(() => writeKeysFile(file, generateKeysFile()))).toBe(`cannot write keys file ${file} (EEXIST); check TESSERA_DATA_DIR`);
    expect(fs.readFileSync(victim, 'utf8')).toBe('untouched');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).sort()).toEqual(['victim']);
  });

  it('names the error code when the folder is unusable', () => {
    const dir = tempDir();
    const notDir = path.join(dir, 'plain-file');
    fs.writeFileSync(notDir, '');
    const file = path.join(notDir, 'keys.json');
    expect(configError(() => writeKeysFile(file, generateKeysFile()))).toMatch(/^cannot write keys file .*plain-file\/keys\.json \((ENOTDIR|EEXIST)\); check TESSERA_DATA_DIR$/);
  });
});
