import type { Config } from './config.js';
import { systemClock, type Clock } from './core/clock.js';
import { DataKeys } from './core/data-keys.js';
import type { Deps } from './core/deps.js';
import { initCrypto } from './crypto/aead.js';
import { loadKeys, type Keyring, type LoadedKeys } from './crypto/keyring.js';
import { ConfigError } from './errors.js';
import { AlertBus } from './features/alerts/bus.js';
import { builtInCatalogue, type Catalogue } from './features/catalogue/catalogue.js';
import { catalogueForCodes } from './features/catalogue/bespoke.js';
import { LoginLimiter } from './features/tokens/login-limiter.js';
import type { Storage } from './storage/contract.js';
import { openStorage } from './storage/index.js';

/**
 * The composition root (docs/architecture.md): the one place that wires storage, keys, the
 * clock and the catalogue into the {@link Deps} every service takes. The server, each CLI
 * command and the tests build their Deps here, once per process.
 */

/** @returns the services' dependencies over an open storage */
export function createDeps(config: Config, storage: Storage, keyring: Keyring, clock: Clock = systemClock, catalogue: Catalogue = builtInCatalogue()): Deps {
  // Each app has its own catalogue: organisations' published measures are loaded into it.
  const deps: Deps = {
    config,
    storage,
    keyring,
    dataKeys: new DataKeys(keyring, storage.keys, clock, storage.events),
    catalogue,
    clock,
    alertBus: new AlertBus(storage.events, storage.alerts),
    loginThrottle: new LoginLimiter(storage.counters),
    catalogueOf: (subjectId, codes) => catalogueForCodes(deps, subjectId, codes),
  };
  return deps;
}

export interface Runtime {
  deps: Deps;
  keys: LoadedKeys;
  /** Closes the storage. */
  close(): Promise<void>;
}

/**
 * Refuses a configuration for several instances while anything that guards a promise would
 * live in one process only (docs/architecture.md "Several instances").
 * @throws ConfigError naming each such part
 */
export function checkInstances(config: Config, storage: Storage, keys: LoadedKeys): void {
  if (config.instances <= 1) return;
  const local = [...storage.processLocal];
  if (!config.keysFile) local.push(`development keys generated into ${keys.path} (each instance would make its own; set TESSERA_KEYS_FILE)`);
  if (local.length) throw new ConfigError(`TESSERA_INSTANCES=${config.instances}, but these hold state in one process only: ${local.join('; ')}`);
}

/**
 * Loads keys, opens (and migrates) the configured storage, and builds the Deps.
 * @param options.keyring use these keys instead of the keys file (`keys rotate` builds its own)
 * @param options.serving opened for `tessera serve` (see {@link openStorage})
 */
export async function openRuntime(config: Config, options: { keys?: LoadedKeys; serving?: boolean } = {}): Promise<Runtime> {
  await initCrypto();
  const keys = options.keys ?? loadKeys(config.keysFile, config.dataDir);
  const storage = await openStorage(config, { serving: options.serving ?? false });
  try {
    checkInstances(config, storage, keys);
  } catch (e) {
    await storage.close();
    throw e;
  }
  return { deps: createDeps(config, storage, keys.keyring), keys, close: () => storage.close() };
}
