import type { Config } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import { builtInCatalogue, type Catalogue } from '../features/catalogue/catalogue.js';
import { catalogueForCodes } from '../features/catalogue/bespoke.js';
import { AlertBus } from '../features/alerts/bus.js';
import { LoginLimiter, type LoginThrottle } from '../features/tokens/login-limiter.js';
import type { Storage } from '../storage/contract.js';
import { systemClock, type Clock } from './clock.js';
import { DataKeys } from './data-keys.js';

/** What services are given: no Fastify types, so they run the same from the CLI or tests. */
export interface Deps {
  config: Config;
  storage: Storage;
  keyring: Keyring;
  dataKeys: DataKeys;
  catalogue: Catalogue;
  clock: Clock;
  /** Tells live alert streams about new alerts. */
  alertBus: AlertBus;
  /** Throttles every password check: logins, erasure. */
  loginThrottle: LoginThrottle;
  /**
   * The catalogue as a person sees it, with their own measures when some of `codes` are theirs
   * (src/features/catalogue/bespoke.ts); given here so features before the catalogue can ask.
   */
  catalogueOf(subjectId: string, codes: readonly string[]): Promise<Catalogue>;
}

export function createDeps(config: Config, storage: Storage, keyring: Keyring, clock: Clock = systemClock, catalogue: Catalogue = builtInCatalogue()): Deps {
  const deps: Deps = {
    config,
    storage,
    keyring,
    dataKeys: new DataKeys(keyring, storage.keys, clock),
    catalogue,
    clock,
    alertBus: new AlertBus(),
    loginThrottle: new LoginLimiter(),
    catalogueOf: (subjectId, codes) => catalogueForCodes(deps, subjectId, codes),
  };
  return deps;
}
