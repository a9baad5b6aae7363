import fs from 'node:fs';
import type { Config } from '../config.js';
import { ConfigError } from '../errors.js';

/**
 * Commands that work on the server's data refuse, in one line, when there is no database
 * where they look: creating an empty one there would leave the server's database untouched and
 * the operator puzzled (a login that fails, an audit of nothing).
 * @throws ConfigError naming where it looked and how that was decided
 */
export function requireDatabase(config: Config): void {
  // On PostgreSQL the URL names the server's database; only an embedded SQLite file can be missed.
  if (config.databaseUrl || fs.existsSync(config.dbFile)) return;
  const source = config.settingsFile ? `TESSERA_DATA_DIR from ${config.settingsFile}` : 'TESSERA_DATA_DIR, or ./tessera.env';
  throw new ConfigError(
    `no database at ${config.dbFile}; start the server once (or run tessera migrate) with the same settings (${source}) and run this where it runs`,
  );
}

/** Where the commands work, for their messages: the SQLite file, or the PostgreSQL URL without its password. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return config.dbFile;
  try {
    const u = new URL(config.databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the PostgreSQL database in TESSERA_DATABASE_URL';
  }
}
