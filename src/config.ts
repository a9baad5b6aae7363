import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError } from './errors.js';

/** Service configuration, read once from the environment (README "Configuration"). */
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
  /** The settings file read (TESSERA_CONFIG or ./tessera.env), or null when there was none. */
  settingsFile: string | null;
  /** Minutes after which an unacknowledged match goes to the watcher's organisation. */
  alertEscalationMinutes: number;
  /** Where to get help now, shown to a person whose record raises a `self-harm-risk` flag. */
  signposting: string;
  /** Signed list of erased people, outside the database so a restore cannot undo an erasure. */
  erasureLedgerFile: string;
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

/** The settings file read from the working folder when TESSERA_CONFIG names none. */
export const CONFIG_FILE_NAME = 'tessera.env';

/** Every setting a settings file may hold (the same names as the environment variables). */
export const settingNames = [
  'HOST',
  'PORT',
  'LOG_LEVEL',
  'TESSERA_DATA_DIR',
  'TESSERA_DATABASE_URL',
  'TESSERA_INSTANCES',
  'TESSERA_KEYS_FILE',
  'TESSERA_ERASURE_LEDGER',
  'TESSERA_PUBLIC_URL',
  'TESSERA_TRUST_PROXY',
  'TESSERA_ACCESS_TOKEN_TTL',
  'TESSERA_REFRESH_TOKEN_TTL',
  'TESSERA_RATE_LIMIT_TOKEN',
  'TESSERA_RATE_LIMIT_SIGNUP',
  'TESSERA_SIGNPOSTING',
  'TESSERA_ALERT_ESCALATION_MINUTES',
  'TESSERA_WEBHOOK_ALLOWED_HOSTS',
  'TESSERA_CHECKPOINT_INTERVAL',
];

/** Settings whose relative paths in a settings file are taken from the file's own folder. */
const pathSettings = ['TESSERA_DATA_DIR', 'TESSERA_KEYS_FILE', 'TESSERA_ERASURE_LEDGER'];

/**
 * The environment with the settings file folded in, so `tessera serve` and every other
 * `tessera` command find the same database however they are started (README, Configuration).
 * The file is TESSERA_CONFIG, or `tessera.env` in the working folder if there is one; it holds
 * `NAME=value` lines; a variable set in the environment wins over the file.
 * @throws ConfigError when TESSERA_CONFIG names no readable file, or the file sets an unknown name
 */
export function withSettingsFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): NodeJS.ProcessEnv {
  const named = env.TESSERA_CONFIG?.trim();
  const file = named ? path.resolve(cwd, named) : path.join(cwd, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (!named && (e as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw new ConfigError(`TESSERA_CONFIG ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const settings = parseEnv(text);
  const unknown = Object.keys(settings).filter((k) => !settingNames.includes(k));
  if (unknown.length) throw new ConfigError(`${file}: ${unknown.join(', ')} is not a Tessera setting (see the configuration table in README.md)`);
  const merged: NodeJS.ProcessEnv = { ...env };
  for (const [k, v] of Object.entries(settings)) {
    if (merged[k]?.trim() || v === undefined) continue;
    merged[k] = pathSettings.includes(k) && v.trim() ? path.resolve(path.dirname(file), v.trim()) : v;
  }
  merged.TESSERA_CONFIG = file;
  return merged;
}

/**
 * Builds the configuration from environment variables, failing with one clear line.
 * @param env the process environment (or a test's); by default with the settings file folded in
 * @returns the checked configuration
 */
export function loadConfig(env: NodeJS.ProcessEnv = withSettingsFile()): Config {
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
    settingsFile: env.TESSERA_CONFIG?.trim() ? path.resolve(env.TESSERA_CONFIG.trim()) : null,
    alertEscalationMinutes: parseIntVar(env, 'TESSERA_ALERT_ESCALATION_MINUTES', 60, 1, 7 * 24 * 60),
    signposting: parseText(env, 'TESSERA_SIGNPOSTING', DEFAULT_SIGNPOSTING, 1000),
    erasureLedgerFile: env.TESSERA_ERASURE_LEDGER?.trim() ? path.resolve(env.TESSERA_ERASURE_LEDGER.trim()) : path.join(dataDir, 'erasures.jwsl'),
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

/** The default suits a UK deployment (NHS); elsewhere set TESSERA_SIGNPOSTING to local services. */
const DEFAULT_SIGNPOSTING =
  'If you are thinking about harming yourself or feel you might act on it, help is there now: ' +
  'call 999 or go to A&E if you are in danger; call NHS 111 and choose the mental health option; ' +
  'or call Samaritans free on 116 123, any time. You can also talk to your GP.';

function parseText(env: NodeJS.ProcessEnv, name: string, fallback: string, maxLength: number): string {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw.length > maxLength) throw new ConfigError(`${name} must be at most ${maxLength} characters (got ${raw.length})`);
  return raw;
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
