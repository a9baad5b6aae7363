import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { generateKeysFile, Keyring, newKek, newSigningKey, parseKeysFile, writeKeysFile } from '../crypto/keyring.js';
import { ConfigError } from '../errors.js';
import { rewrapAll } from '../features/keys/rewrap.js';
import { describeDatabase, requireDatabase } from './database.js';

/** Prints a new keys file; the operator stores it where TESSERA_KEYS_FILE points. */
export function keysGenerate(): void {
  process.stdout.write(JSON.stringify(generateKeysFile(), null, 2) + '\n');
}

/** A running server re-reads the keys file every 2 s; the final pass waits a little longer. */
const SERVER_RELOAD_GRACE_MS = 2_500;

/**
 * `tessera keys rotate`: a new KEK and signing key become current (written to the keys file
 * first, atomically), then every data key is re-wrapped under the new KEK. Safe while serving.
 * If an earlier rotation was interrupted, this finishes it instead of starting another.
 */
export async function keysRotate(): Promise<void> {
  const config = loadConfig();
  requireDatabase(config);
  const file = config.keysFile ?? path.join(config.dataDir, 'keys.json');
  if (!fs.existsSync(file)) throw new ConfigError(`keys file ${file} does not exist; nothing to rotate`);
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch {
    throw new ConfigError(`keys file ${file} is read-only (or its folder is): rotation must rewrite it; run it where the file is writable`);
  }
  const keys = parseKeysFile(fs.readFileSync(file, 'utf8'), file);
  const keyring = new Keyring(keys, file);
  const runtime = await openRuntime(config, { keys: { keyring, file: keys, path: file, generated: false } });
  const { deps } = runtime;
  const storage = deps.storage;
  try {
    const pending = (await storage.keys.staleWrapped(keys.currentKek, 1)).length > 0;
    if (pending) {
      process.stdout.write(`resuming an interrupted rotation to KEK ${keys.currentKek}\n`);
    } else {
      const now = new Date();
      const kek = newKek(now);
      const sig = newSigningKey(now);
      const oldKek = keys.currentKek;
      const oldSig = keys.currentSigningKey;
      // Old keys stay: old KEKs open backups taken before today; old signing keys keep
      // verifying tokens until they expire and consent receipts for good.
      keys.keks.push(kek);
      keys.currentKek = kek.id;
      for (const s of keys.signingKeys) if (s.kid === oldSig) s.retiredAt = now.toISOString();
      keys.signingKeys.push(sig);
      keys.currentSigningKey = sig.kid;
      writeKeysFile(file, keys);
      keyring.update(keys);
      await storage.events.publish('keys-file', keys.currentKek);
      process.stdout.write(`new KEK ${kek.id} (was ${oldKek}); new signing key ${sig.kid} (was ${oldSig}, still published)\n`);
    }
    let total = await rewrapAll(deps, (n) => process.stdout.write(`  ${n} data keys re-wrapped\n`));
    // People who signed up while the server still had the old KEK current get one more pass.
    await new Promise((r) => setTimeout(r, SERVER_RELOAD_GRACE_MS));
    const late = await rewrapAll(deps);
    total = { dataKeys: total.dataKeys + late.dataKeys, secrets: total.secrets + late.secrets, macs: total.macs + late.macs };
    process.stdout.write(
      `rotation complete: ${total.dataKeys} data keys, ${total.secrets} webhook secrets and ${total.macs} row MACs now under ${keyring.currentKekId}\n`,
    );
  } finally {
    await runtime.close();
  }
}

/**
 * `tessera keys retire KEK-ID`: removes an old KEK from the keys file, once nothing in the
 * database (data keys, webhook secrets, row MACs) is under it (after `keys rotate` has
 * finished). Backups taken while it was current can then no longer be restored: that is the
 * point, as they still hold the wrapped keys of people erased since.
 */
export async function keysRetire(args: string[]): Promise<void> {
  const id = args.find((a) => !a.startsWith('--'));
  if (!id) throw new ConfigError('keys retire needs a KEK id: tessera keys retire KEK-ID');
  const config = loadConfig();
  const file = config.keysFile ?? path.join(config.dataDir, 'keys.json');
  if (!fs.existsSync(file)) throw new ConfigError(`keys file ${file} does not exist`);
  const keys = parseKeysFile(fs.readFileSync(file, 'utf8'), file);
  if (!keys.keks.some((k) => k.id === id)) throw new ConfigError(`keys file ${file} has no KEK "${id}" (it has ${keys.keks.map((k) => k.id).join(', ')})`);
  if (keys.currentKek === id) throw new ConfigError(`KEK ${id} is the current one; run tessera keys rotate first`);
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch {
    throw new ConfigError(`keys file ${file} is read-only (or its folder is): retiring a KEK must rewrite it; run it where the file is writable`);
  }
  requireDatabase(config);
  const runtime = await openRuntime(config, { keys: { keyring: new Keyring(keys, file), file: keys, path: file, generated: false } });
  try {
    if ((await runtime.deps.storage.keys.kekIdsInUse()).includes(id)) {
      throw new ConfigError(`KEK ${id} is still in use in ${describeDatabase(config)}; run tessera keys rotate to finish re-wrapping first`);
    }
  } finally {
    await runtime.close();
  }
  keys.keks = keys.keks.filter((k) => k.id !== id);
  writeKeysFile(file, keys);
  process.stdout.write(`KEK ${id} retired from ${file}: backups that need it can no longer be restored\n`);
}
