import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openRuntime } from '../compose.js';
import { generateKeysFile, Keyring, newKek, newSigningKey, parseKeysFile, writeKeysFile } from '../crypto/keyring.js';
import { ConfigError } from '../errors.js';
import { rewrapAll } from '../features/keys/rewrap.js';

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
