import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { makeDir } from '../core/dirs.js';
import { KEY_BYTES } from './aead.js';

/**
 * The service's keys: key-encryption keys (KEKs) that wrap each person's data key, and the
 * Ed25519 keys that sign access tokens and consent receipts. Format: keys.example.
 */
export interface KeysFile {
  version: 1;
  currentKek: string;
  keks: { id: string; key: string; createdAt: string }[];
  currentSigningKey: string;
  signingKeys: { kid: string; jwk: Ed25519PrivateJwk; createdAt: string; retiredAt?: string | null }[];
}

interface Ed25519PrivateJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  d: string;
}

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
  publicJwk: PublicJwk;
}

export class Keyring {
  private state!: { currentKekId: string; signing: SigningKey; keks: Map<string, Uint8Array>; verifying: Map<string, SigningKey> };

  /**
   * @param file the parsed keys file
   * @param source where it was read from, so {@link reload} can pick up a rotation
   */
  constructor(
    file: KeysFile,
    private readonly source: string | null = null,
  ) {
    this.update(file);
  }

  /** Replaces the keys held, as after `tessera keys rotate` rewrote the file. */
  update(file: KeysFile): void {
    const verifying = new Map(file.signingKeys.map((k) => [k.kid, toSigningKey(k.kid, k.jwk)]));
    const signing = verifying.get(file.currentSigningKey);
    if (!signing) throw new ConfigError('keys file: currentSigningKey names no key in signingKeys');
    this.state = {
      currentKekId: file.currentKek,
      signing,
      keks: new Map(file.keks.map((k) => [k.id, new Uint8Array(Buffer.from(k.key, 'base64'))])),
      verifying,
    };
  }

  /**
   * Re-reads the keys file this keyring came from.
   * @returns whether anything was re-read (false for keys not from a file)
   * @throws ConfigError when the file is now unreadable or invalid (the old keys stay)
   */
  reload(): boolean {
    if (!this.source) return false;
    this.update(parseKeysFile(fs.readFileSync(this.source, 'utf8'), this.source));
    return true;
  }

  get currentKekId(): string {
    return this.state.currentKekId;
  }

  /** The key that signs new tokens and receipts. */
  get signing(): SigningKey {
    return this.state.signing;
  }

  /** @returns the current KEK, used for new wrappings */
  currentKek(): Uint8Array {
    return this.kek(this.state.currentKekId);
  }

  /**
   * @param id a KEK id stored beside a wrapped data key
   * @returns that KEK; after a rotation by another process the file is re-read once
   * @throws ConfigError when the keys file does not hold it
   */
  kek(id: string): Uint8Array {
    let key = this.state.keks.get(id);
    if (!key && this.reloadQuietly()) key = this.state.keks.get(id);
    if (!key) throw new ConfigError(`keys file has no KEK with id "${id}"; the data was wrapped with a key you do not have`);
    return key;
  }

  hasKek(id: string): boolean {
    return this.state.keks.has(id);
  }

  /** @returns the public key for a token or receipt `kid`, or undefined */
  verifyingKey(kid: string): SigningKey | undefined {
    let key = this.state.verifying.get(kid);
    if (!key && this.reloadQuietly()) key = this.state.verifying.get(kid);
    return key;
  }

  /** @returns the JWKS document published at /.well-known/jwks.json */
  jwks(): { keys: PublicJwk[] } {
    return { keys: [...this.state.verifying.values()].map((k) => k.publicJwk) };
  }

  private lastReload = 0;

  /** Re-reads the file at most once a second, so unknown ids cannot make us hammer the disk. */
  private reloadQuietly(): boolean {
    const now = Date.now();
    if (!this.source || now - this.lastReload < 1000) return false;
    this.lastReload = now;
    try {
      return this.reload();
    } catch {
      return false;
    }
  }
}

function toSigningKey(kid: string, jwk: Ed25519PrivateJwk): SigningKey {
  const privateKey = createPrivateKey({ key: { ...jwk }, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  const pub = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string };
  return {
    kid,
    privateKey,
    publicKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk: { kty: pub.kty, crv: pub.crv, x: pub.x, kid, alg: 'EdDSA', use: 'sig' },
  };
}

function stamp(now: Date): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

/** @returns a new KEK entry with a fresh random key */
export function newKek(now = new Date()): KeysFile['keks'][number] {
  return {
    id: `kek-${stamp(now)}-${randomBytes(4).toString('hex')}`,
    key: randomBytes(KEY_BYTES).toString('base64'),
    createdAt: now.toISOString(),
  };
}

/** @returns a new Ed25519 signing key entry */
export function newSigningKey(now = new Date()): KeysFile['signingKeys'][number] {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' }) as Ed25519PrivateJwk;
  return {
    kid: `sig-${stamp(now)}-${randomBytes(4).toString('hex')}`,
    jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
    createdAt: now.toISOString(),
    retiredAt: null,
  };
}

/** @returns a complete new keys file (what `tessera keys generate` prints) */
export function generateKeysFile(now = new Date()): KeysFile {
  const kek = newKek(now);
  const sig = newSigningKey(now);
  return { version: 1, currentKek: kek.id, keks: [kek], currentSigningKey: sig.kid, signingKeys: [sig] };
}

/**
 * Checks a parsed keys file, naming the first problem in one line.
 * @throws ConfigError
 */
export function parseKeysFile(text: string, where: string): KeysFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${where}: not valid JSON`);
  }
  const f = raw as Partial<KeysFile>;
  const fail = (why: string): never => {
    throw new ConfigError(`${where}: ${why}`);
  };
  if (typeof f !== 'object' || f === null) fail('must be a JSON object');
  if (f.version !== 1) fail('"version" must be 1');
  if (!Array.isArray(f.keks) || f.keks.length === 0) fail('"keks" must list at least one key');
  for (const [i, k] of (f.keks ?? []).entries()) {
    if (typeof k?.id !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(k.id)) fail(`keks[${i}].id must be 1–64 letters, digits, ".", "_" or "-"`);
    if (typeof k.key !== 'string' || Buffer.from(k.key, 'base64').length !== KEY_BYTES) fail(`keks[${i}].key must be ${KEY_BYTES} bytes in base64`);
  }
  if (!f.keks?.some((k) => k.id === f.currentKek)) fail('"currentKek" must name one of "keks"');
  if (!Array.isArray(f.signingKeys) || f.signingKeys.length === 0) fail('"signingKeys" must list at least one key');
  for (const [i, k] of (f.signingKeys ?? []).entries()) {
    if (typeof k?.kid !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(k.kid)) fail(`signingKeys[${i}].kid must be 1–64 letters, digits, ".", "_" or "-"`);
    const jwk = k.jwk;
    if (jwk?.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
      fail(`signingKeys[${i}].jwk must be an Ed25519 private JWK (kty OKP, crv Ed25519, x, d)`);
    }
    try {
      createPrivateKey({ key: { ...jwk }, format: 'jwk' });
    } catch {
      fail(`signingKeys[${i}].jwk is not a usable Ed25519 key`);
    }
  }
  if (!f.signingKeys?.some((k) => k.kid === f.currentSigningKey)) fail('"currentSigningKey" must name one of "signingKeys"');
  return f as KeysFile;
}

export interface LoadedKeys {
  keyring: Keyring;
  file: KeysFile;
  /** Where the keys came from, and whether they were just generated for development. */
  path: string;
  generated: boolean;
}

/**
 * Loads the keys file named by TESSERA_KEYS_FILE, or the dev keys under the data folder,
 * generating those on first start.
 * @throws ConfigError with one clear line when the file is missing, unreadable or invalid
 */
export function loadKeys(keysFile: string | null, dataDir: string): LoadedKeys {
  if (keysFile) {
    let text: string;
    try {
      text = fs.readFileSync(keysFile, 'utf8');
    } catch (e) {
      throw new ConfigError(`TESSERA_KEYS_FILE ${keysFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const file = parseKeysFile(text, keysFile);
    return { keyring: new Keyring(file, keysFile), file, path: keysFile, generated: false };
  }
  const devPath = path.join(dataDir, 'keys.json');
  if (fs.existsSync(devPath)) {
    const file = parseKeysFile(fs.readFileSync(devPath, 'utf8'), devPath);
    return { keyring: new Keyring(file, devPath), file, path: devPath, generated: false };
  }
  const file = generateKeysFile();
  writeKeysFile(devPath, file);
  return { keyring: new Keyring(file, devPath), file, path: devPath, generated: true };
}

/**
 * Writes a keys file atomically (temp file + rename) with owner-only permissions, so a crash
 * never leaves a half-written file and the keys are never world-readable.
 * @throws ConfigError when the folder or file is not writable
 */
export function writeKeysFile(file: string, keys: KeysFile): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    makeDir(path.dirname(file));
    fs.writeFileSync(tmp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // The folder itself is unusable (ENOTDIR, EACCES): there is no temp file to remove.
    }
    throw new ConfigError(`cannot write keys file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'}); check TESSERA_DATA_DIR`);
  }
}
