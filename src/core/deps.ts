import type { Config } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Catalogue } from '../features/catalogue/catalogue.js';
import type { AlertBus } from '../features/alerts/bus.js';
import type { LoginThrottle } from '../features/tokens/login-limiter.js';
import type { Storage } from '../storage/contract.js';
import type { Clock } from './clock.js';
import type { DataKeys } from './data-keys.js';

/**
 * What services are given: no Fastify types, so they run the same from the CLI or tests. Built
 * once per process by the composition root (src/compose.ts); this module holds the type only,
 * so core depends on no feature (docs/architecture.md "Layers").
 */
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
}
