import type { Storage } from '../contract.js';
import { accessLogRepo } from './access-log.js';
import { accessRequestsRepo } from './access-requests.js';
import { accountsRepo } from './accounts.js';
import { assertionsRepo } from './assertions.js';
import { grantsRepo } from './grants.js';
import { delegationsRepo } from './delegations.js';
import { disputesRepo } from './disputes.js';
import { emergencyRepo } from './emergency.js';
import { idempotencyRepo } from './idempotency.js';
import { invitesRepo } from './invites.js';
import { notificationsRepo } from './notifications.js';
import { integrityRepo } from './integrity.js';
import { openDatabase, runMigrations, type Db } from './open.js';
import { organisationsRepo } from './organisations.js';
import { seriesRepo } from './series.js';
import { recordsRepo } from './records.js';
import { referralsRepo } from './referrals.js';
import { keysRepo } from './subject-keys.js';
import { sessionsRepo } from './sessions.js';
import { subjectsRepo } from './subjects.js';
import { typeDefinitionsRepo } from './type-definitions.js';
import { alertsRepo, watchesRepo } from './watches.js';
import { webhooksRepo } from './webhooks.js';
import { importsRepo } from './imports.js';
import { bulkExportsRepo } from './bulk-exports.js';
import { memoryCounters, memoryEvents } from './in-process.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';

export { openDatabase, runMigrations };

export interface SqliteStorage extends Storage {
  /** The drizzle handle, for the CLI's maintenance commands only. */
  readonly db: Db;
  /** The checkpoint worker, when opened with `backgroundCheckpoints`. */
  readonly checkpointer: Checkpointer | null;
}

/**
 * Opens (and migrates) the SQLite store.
 * @param file database file path
 * @param options.migrate apply pending migrations first (default true; false only for a file
 *   already migrated, as bench seed workers open it)
 * @param options.backgroundCheckpoints checkpoint the WAL from a worker thread instead of inside
 *   commits on this connection (the server's setting; docs/performance.md)
 * @param options.onCheckpointError told of a background checkpoint that failed
 */
export function openSqliteStorage(
  file: string,
  options: { migrate?: boolean; backgroundCheckpoints?: boolean; onCheckpointError?: (message: string) => void } = {},
): SqliteStorage {
  const db = openDatabase(file);
  if (options.migrate !== false) runMigrations(db);
  let checkpointer: Checkpointer | null = null;
  if (options.backgroundCheckpoints) {
    db.$client.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(file, options.onCheckpointError ? { onError: options.onCheckpointError } : {});
  }
  let closed = false;
  return {
    db,
    checkpointer,
    accounts: accountsRepo(db),
    sessions: sessionsRepo(db),
    records: recordsRepo(db),
    series: seriesRepo(db),
    keys: keysRepo(db),
    organisations: organisationsRepo(db),
    grants: grantsRepo(db),
    accessRequests: accessRequestsRepo(db),
    invites: invitesRepo(db),
    accessLog: accessLogRepo(db),
    idempotency: idempotencyRepo(db),
    assertions: assertionsRepo(db),
    watches: watchesRepo(db),
    alerts: alertsRepo(db),
    webhooks: webhooksRepo(db),
    subjects: subjectsRepo(db),
    counters: memoryCounters(),
    events: memoryEvents(),
    processLocal: ['SQLite (one process owns the database file; its group commit and per-person chain order live in that process)'],
    integrity: integrityRepo(db),
    typeDefinitions: typeDefinitionsRepo(db),
    imports: importsRepo(db),
    bulkExports: bulkExportsRepo(db),
    delegations: delegationsRepo(db),
    notifications: notificationsRepo(db),
    referrals: referralsRepo(db),
    emergency: emergencyRepo(db),
    disputes: disputesRepo(db),
    async ping() {
      db.$client.prepare('SELECT 1').get();
    },
    async close() {
      if (closed) return;
      closed = true;
      await checkpointer?.stop();
      // Fold the WAL back into the main file so the data folder is one self-contained file.
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
      db.$client.close();
    },
  };
}

/**
 * Applies pending migrations to a database file without building the repositories, which
 * prepare statements that fail on a fresh file whose tables do not exist yet.
 * @returns how many migrations were applied
 */
export function migrateSqliteFile(file: string): number {
  const db = openDatabase(file);
  try {
    return runMigrations(db);
  } finally {
    // Fold the WAL back into the main file, as the storage's own close does.
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
    db.$client.close();
  }
}

export {
  backupDatabase,
  inspectDatabaseFile,
  keepDatabaseFile,
  removeDatabaseFile,
  replaceDatabaseFile,
  shippedMigrations,
  type DatabaseFacts,
} from './maintenance.js';
