import type { Storage } from '../contract.js';
import { accessLogRepo } from './access-log.js';
import { accessRequestsRepo } from './access-requests.js';
import { accountsRepo } from './accounts.js';
import { postgresEvents } from './events.js';
import { delegationsRepo } from './delegations.js';
import { emergencyRepo } from './emergency.js';
import { grantsRepo } from './grants.js';
import { invitesRepo } from './invites.js';
import { notificationsRepo } from './notifications.js';
import { integrityRepo } from './integrity.js';
import { describeUrl, migratePostgres, openPool, type Db } from './open.js';
import { seriesRepo } from './series.js';
import { recordsRepo } from './records.js';
import { referralsRepo } from './referrals.js';
import { sessionsRepo } from './sessions.js';
import { assertionsRepo, countersRepo, idempotencyRepo, organisationsRepo } from './small.js';
import { keysRepo } from './subject-keys.js';
import { subjectsRepo } from './subjects.js';
import { typeDefinitionsRepo } from './type-definitions.js';
import { alertsRepo, watchesRepo } from './watches.js';
import { webhooksRepo } from './webhooks.js';
import { importsRepo } from './imports.js';
import { disputesRepo } from './disputes.js';
import { bulkExportsRepo } from './bulk-exports.js';

export { describeUrl, migratePostgres };

export interface PostgresStorage extends Storage {
  /** The drizzle handle over the pool, for tests that look inside the database. */
  readonly db: Db;
}

/**
 * Opens the PostgreSQL store: migrates under the advisory lock, then opens a pool. Several
 * instances may open the same database; everything here holds across them.
 * @param url a postgres:// connection URL (TESSERA_DATABASE_URL)
 * @param options.onError told of connection errors the pool or listener recovers from
 */
export async function openPostgresStorage(url: string, options: { onError?: (e: Error) => void } = {}): Promise<PostgresStorage> {
  const onError = options.onError ?? (() => undefined);
  await migratePostgres(url);
  const db = openPool(url, onError);
  const events = postgresEvents(url, db, onError);
  let closed: Promise<void> | undefined;
  return {
    db,
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
    counters: countersRepo(db),
    integrity: integrityRepo(db),
    delegations: delegationsRepo(db),
    notifications: notificationsRepo(db),
    referrals: referralsRepo(db),
    emergency: emergencyRepo(db),
    typeDefinitions: typeDefinitionsRepo(db),
    imports: importsRepo(db),
    bulkExports: bulkExportsRepo(db),
    disputes: disputesRepo(db),
    events,
    processLocal: [],
    async ping() {
      await db.$client.query('SELECT 1');
    },
    close() {
      closed ??= (async () => {
        await events.close();
        await db.$client.end();
      })();
      return closed;
    },
  };
}
