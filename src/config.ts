import { isIP } from 'node:net';
import path from 'node:path';
import { ConfigError } from './errors.js';

/** Service configuration, read once from the environment (DESIGN "Running it"). */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  dbFile: string;
  /** TESSERA_DATABASE_URL: a postgres:// URL selects PostgreSQL; null keeps SQLite in dataDir. */
  databaseUrl: string | null;
  /** TESSERA_INSTANCES: how many `tessera serve` processes share the database (checked at start). */
  instances: number;
  /** Keys file named by TESSERA_KEYS_FILE; null means dev keys under the data folder. */
  keysFile: string | null;
  /** Issuer and audience of tokens; the token URL is `${publicUrl}/v1/token`. */
  publicUrl: string;
  logLevel: string;
  /**
   * Which X-Forwarded-For hops to believe (rate limits key on the client IP): false (none), a
   * number of proxies in front, or the proxies' addresses/CIDR ranges. Never "any": that would
   * let a client name its own address in the leftmost entry.
   */
  trustProxy: false | number | string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  bodyLimitBytes: number;
  /** Deepest nesting of arrays and objects a JSON body may have (plugins/input.ts). */
  jsonDepthLimit: number;
  /** Node's limit on the request line and headers together; more answers 431. */
  headerLimitBytes: number;
  /** Longest path parameter the router matches (ids are 36-character UUIDs); more answers 400. */
  pathParamMaxLength: number;
  /** How often chains that advanced get a signed checkpoint (TESSERA_CHECKPOINT_INTERVAL, seconds). */
  checkpointIntervalSeconds: number;
  /** Hosts (names or addresses) webhooks may use beyond public https ones: TESSERA_WEBHOOK_ALLOWED_HOSTS. */
  webhookAllowedHosts: string[];
  /** Requests per minute per IP on the token endpoint and on sign-up (RateLimits in app.ts). */
  rateLimits: { token: number; signUp: number };
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Builds the configuration from environment variables, failing with one clear line.
 * @param env the process environment (or a test's)
 * @returns the checked configuration
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const host = env.HOST?.trim() || '127.0.0.1';
  const port = parseIntVar(env, 'PORT', 8080, 0, 65535);
  const dataDir = path.resolve(env.TESSERA_DATA_DIR?.trim() || './data');
  const keysFile = env.TESSERA_KEYS_FILE?.trim() ? path.resolve(env.TESSERA_KEYS_FILE.trim()) : null;
  const logLevel = env.LOG_LEVEL?.trim() || 'info';
  if (!logLevels.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${logLevel}")`);
  }
  const publicUrl = parsePublicUrl(env.TESSERA_PUBLIC_URL, host, port);
  const trustProxy = parseTrustProxy(env.TESSERA_TRUST_PROXY);
  const databaseUrl = parseDatabaseUrl(env.TESSERA_DATABASE_URL);
  return {
    host,
    port,
    dataDir,
    dbFile: path.join(dataDir, 'tessera.db'),
    databaseUrl,
    instances: parseIntVar(env, 'TESSERA_INSTANCES', 1, 1, 1000),
    keysFile,
    publicUrl,
    logLevel,
    trustProxy,
    accessTokenTtlSeconds: parseIntVar(env, 'TESSERA_ACCESS_TOKEN_TTL', 900, 30, 900),
    refreshTokenTtlSeconds: parseIntVar(env, 'TESSERA_REFRESH_TOKEN_TTL', 30 * 24 * 3600, 300, 90 * 24 * 3600),
    bodyLimitBytes: 1024 * 1024,
    jsonDepthLimit: 32,
    headerLimitBytes: 16 * 1024,
    pathParamMaxLength: 100,
    checkpointIntervalSeconds: parseIntVar(env, 'TESSERA_CHECKPOINT_INTERVAL', 300, 1, 86_400),
    webhookAllowedHosts: (env.TESSERA_WEBHOOK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1'))
      .filter((h) => h !== ''),
    rateLimits: {
      token: parseIntVar(env, 'TESSERA_RATE_LIMIT_TOKEN', 300, 1, 1_000_000),
      signUp: parseIntVar(env, 'TESSERA_RATE_LIMIT_SIGNUP', 60, 1, 1_000_000),
    },
  };
}

function parseIntVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

/**
 * TESSERA_TRUST_PROXY: unset/false, a hop count (1–10), or a comma-separated list of proxy
 * addresses or CIDR ranges. `true` (trust every hop) is refused on purpose.
 */
function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = raw?.trim().toLowerCase();
  if (!value || ['0', 'false', 'no'].includes(value)) return false;
  if (value === 'true' || value === 'yes') {
    throw new ConfigError(
      'TESSERA_TRUST_PROXY=true would believe any X-Forwarded-For a client sends; set the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.5,10.0.1.0/24)',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) throw new ConfigError(`TESSERA_TRUST_PROXY must be a hop count from 1 to 10 or proxy addresses (got "${raw}")`);
    return hops;
  }
  const entries = value.split(',').map((e) => e.trim());
  for (const e of entries) {
    const [address, bits, extra] = e.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const badBits = bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > maxBits);
    if (family === 0 || badBits || extra !== undefined) {
      throw new ConfigError(`TESSERA_TRUST_PROXY: "${e}" is not an IP address or CIDR range (use a hop count or addresses such as 10.0.0.5,10.0.1.0/24)`);
    }
  }
  return entries;
}

function parsePublicUrl(raw: string | undefined, host: string, port: number): string {
  const value = raw?.trim();
  if (!value) {
    const h = host.includes(':') ? `[${host}]` : host;
    return `http://${h}:${port}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`TESSERA_PUBLIC_URL must be an absolute http(s) URL (got "${value}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`TESSERA_PUBLIC_URL must use http or https (got "${value}")`);
  }
  if (url.search || url.hash) {
    throw new ConfigError('TESSERA_PUBLIC_URL must not carry a query or fragment');
  }
  // RFC 8414 §2: the issuer is compared as a string, so keep one spelling without a trailing slash.
  return url.toString().replace(/\/+$/, '');
}

function parseDatabaseUrl(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('TESSERA_DATABASE_URL must be a postgres:// URL (it does not parse)');
  }
  // The URL may hold a password: the message names the scheme only.
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`TESSERA_DATABASE_URL must be a postgres:// or postgresql:// URL (got scheme "${url.protocol}")`);
  }
  return value;
}
