import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';

/** Binary columns (sealed payloads, wrapped keys): node-postgres reads bytea as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Epoch milliseconds: past 2^31, so 64-bit, read back as a JS number (exact below 2^53). */
const ms = (name: string) => bigint(name, { mode: 'number' });

/**
 * The PostgreSQL schema, table for table and column for column the SQLite one
 * (src/storage/sqlite/schema.ts), so both adapters hold the same rows. drizzle-kit generates
 * migrations/postgres/ from this file (`npm run db:generate`). Times are epoch milliseconds.
 * Personal content lives only in sealed bytea; the clear columns are the metadata slices are
 * selected by (docs/architecture.md).
 */

export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  createdAt: ms('created_at').notNull(),
});

export const subjects = pgTable('subjects', {
  id: text('id').primaryKey(),
  createdAt: ms('created_at').notNull(),
});

export const subjectKeys = pgTable('subject_keys', {
  subjectId: text('subject_id')
    .primaryKey()
    .references(() => subjects.id, { onDelete: 'cascade' }),
  kekId: text('kek_id').notNull(),
  wrappedKey: bytea('wrapped_key').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

export const accounts = pgTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['citizen', 'practitioner', 'client', 'admin'] }).notNull(),
    /** Lower-cased login handle; null for machine clients. */
    handle: text('handle'),
    passwordHash: text('password_hash'),
    /** Display name of practitioners, admins and clients (professional directory data). */
    displayName: text('display_name'),
    /** A citizen's display name, sealed with their data key so erasure removes it. */
    sealedDisplayName: bytea('sealed_display_name'),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    organisationId: text('organisation_id').references(() => organisations.id),
    role: text('role'),
    /** A client's public JWKS (JSON). */
    jwks: text('jwks'),
    disabledAt: ms('disabled_at'),
    createdAt: ms('created_at').notNull(),
    /** MAC of the columns that decide access (src/crypto/integrity.ts); null once disabled. */
    integrity: text('integrity'),
  },
  (t) => [
    uniqueIndex('accounts_handle_unique').on(t.handle),
    uniqueIndex('accounts_subject_unique').on(t.subjectId),
    index('accounts_organisation').on(t.organisationId),
  ],
);

/** A login session: one refresh-token family, or one client-credentials token. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
    revokedReason: text('revoked_reason'),
    /** MAC of id, account, lifetime and scope; null once revoked. */
    integrity: text('integrity'),
    /** SMART scopes granted at the token endpoint (space-separated), or null for an unscoped session. */
    scope: text('scope'),
  },
  (t) => [index('sessions_account').on(t.accountId)],
);

export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
  },
  (t) => [index('refresh_tokens_session').on(t.sessionId)],
);

export const records = pgTable(
  'records',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    type: text('type').notNull(),
    effectiveAt: ms('effective_at').notNull(),
    createdAt: ms('created_at').notNull(),
    sourceKind: text('source_kind', { enum: ['self', 'delegate', 'practitioner', 'client'] }).notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    sourceOrganisationId: text('source_organisation_id'),
    schemaVersion: integer('schema_version').notNull(),
    /** Sealed payload: value, answers, scores, text, detail. */
    payload: bytea('payload').notNull(),
  },
  (t) => [
    // A slice query (subject, category, time window) is an index range scan on this one.
    index('records_subject_category_time').on(t.subjectId, t.category, t.effectiveAt, t.id),
    index('records_subject_time').on(t.subjectId, t.effectiveAt, t.id),
  ],
);

/**
 * Dense measures (docs/performance.md "Dense series"): one row per person, category, type,
 * writer and UTC day, its readings sealed together (second offsets and values, compressed).
 */
export const seriesChunks = pgTable(
  'series_chunks',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    type: text('type').notNull(),
    day: ms('day').notNull(),
    firstAt: ms('first_at').notNull(),
    lastAt: ms('last_at').notNull(),
    count: integer('count').notNull(),
    sourceKind: text('source_kind', { enum: ['self', 'delegate', 'practitioner', 'client'] }).notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    sourceOrganisationId: text('source_organisation_id'),
    createdAt: ms('created_at').notNull(),
    /** When readings last joined it (Bulk Data `_since`). */
    updatedAt: ms('updated_at').notNull(),
    revision: integer('revision').notNull(),
    payload: bytea('payload').notNull(),
  },
  (t) => [
    // Reads walk a person's chunks by day; a window's bounds are a range on it.
    index('series_chunks_subject_day').on(t.subjectId, t.day, t.id),
    // A writer has one chunk a day per type and category: merges find it, and two imports
    // creating it at once cannot both succeed.
    uniqueIndex('series_chunks_writer_day').on(t.subjectId, t.sourceAccountId, t.type, t.category, t.day),
  ],
);

/** A person's consent to a slice of their store (docs/api.md "Grants"). */
export const grants = pgTable(
  'grants',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    granteeAccountId: text('grantee_account_id').references(() => accounts.id),
    granteeOrganisationId: text('grantee_organisation_id').references(() => organisations.id),
    /** Organisation grants only: `practitioners`, `clients` or `all` of its accounts. */
    members: text('members', { enum: ['practitioners', 'clients', 'all'] }),
    /** `aggregate`: outcome-reporting consent (counted, never read). */
    access: text('access', { enum: ['read', 'append', 'aggregate'] }).notNull(),
    /** JSON array of category codes. */
    categories: text('categories').notNull(),
    /** JSON array of type codes, or null for every type in the categories. */
    types: text('types'),
    fromAt: ms('from_at'),
    toAt: ms('to_at'),
    purpose: text('purpose').notNull(),
    /** The person's free-text purpose, sealed with their data key. */
    sealedPurposeText: bytea('sealed_purpose_text'),
    expiresAt: ms('expires_at').notNull(),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
    revokedReason: text('revoked_reason'),
    requestId: text('request_id'),
    receipt: text('receipt').notNull(),
    revocationReceipt: text('revocation_receipt'),
    /** Whether the grantee sees the person's display name while the grant is active. */
    shareName: boolean('share_name').notNull().default(false),
    /** MAC of the terms; null once revoked. */
    integrity: text('integrity'),
  },
  (t) => [
    index('grants_subject').on(t.subjectId, t.createdAt),
    index('grants_grantee_account').on(t.granteeAccountId, t.subjectId),
    index('grants_grantee_organisation').on(t.granteeOrganisationId, t.subjectId),
  ],
);

/** A supporter's request for a slice, awaiting the person's decision. */
export const accessRequests = pgTable(
  'access_requests',
  {
    id: text('id').primaryKey(),
    // No foreign key: a request to an id no one has is stored like any other, so the sender's
    // list cannot tell whether the person exists; erasure deletes a person's requests by name.
    subjectId: text('subject_id').notNull(),
    requesterAccountId: text('requester_account_id')
      .notNull()
      .references(() => accounts.id),
    requesterOrganisationId: text('requester_organisation_id'),
    access: text('access', { enum: ['read', 'append'] }).notNull(),
    categories: text('categories').notNull(),
    types: text('types'),
    fromAt: ms('from_at'),
    toAt: ms('to_at'),
    purpose: text('purpose').notNull(),
    /** The requester's explanation, sealed with the person's data key. */
    sealedPurposeText: bytea('sealed_purpose_text'),
    grantExpiresAt: ms('grant_expires_at').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied'] }).notNull(),
    decidedAt: ms('decided_at'),
    grantId: text('grant_id'),
  },
  (t) => [index('access_requests_subject').on(t.subjectId, t.createdAt), index('access_requests_requester').on(t.requesterAccountId, t.createdAt)],
);

/**
 * The access log, hash-chained per person (`seq` orders each chain). No foreign key to
 * subjects: after erasure the chain keeps a tombstone entry with no personal data.
 */
export const accessLog = pgTable(
  'access_log',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    seq: integer('seq').notNull(),
    at: ms('at').notNull(),
    actorAccountId: text('actor_account_id'),
    actorOrganisationId: text('actor_organisation_id'),
    actorKind: text('actor_kind').notNull(),
    /** The person a delegate acted for (their account id); null when the actor acted as themselves. */
    onBehalfOf: text('on_behalf_of'),
    action: text('action').notNull(),
    grantIds: text('grant_ids').notNull(),
    recordIds: text('record_ids').notNull(),
    query: text('query').notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
    /** Insertion order across every chain (SQLite's rowid), for the start-up check of recent entries. */
    written: bigint('written', { mode: 'number' }).generatedAlwaysAsIdentity(),
  },
  (t) => [uniqueIndex('access_log_subject_seq').on(t.subjectId, t.seq), index('access_log_written').on(t.written)],
);

/** Idempotency keys of appends, kept at least 24 h; they hold record ids, never content. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    accountId: text('account_id').notNull(),
    key: text('key').notNull(),
    subjectId: text('subject_id').notNull(),
    requestHash: text('request_hash').notNull(),
    /** JSON: the stored answer's record ids and whether it was a batch. */
    result: text('result').notNull(),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_keys_expiry').on(t.expiresAt)],
);

/** Client assertion ids seen, until they expire, so an assertion cannot be replayed (RFC 7523 §3). */
export const assertionJtis = pgTable(
  'assertion_jtis',
  {
    clientId: text('client_id').notNull(),
    jti: text('jti').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('assertion_jtis_expiry').on(t.expiresAt)],
);

/** A supporter's rule on one type of a person's records; it lives only while a read grant covers it. */
export const watches = pgTable(
  'watches',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    watcherAccountId: text('watcher_account_id')
      .notNull()
      .references(() => accounts.id),
    watcherOrganisationId: text('watcher_organisation_id'),
    type: text('type').notNull(),
    /** JSON rule: threshold, flag or change (no personal data). */
    rule: text('rule').notNull(),
    createdAt: ms('created_at').notNull(),
    deletedAt: ms('deleted_at'),
    deletedBy: text('deleted_by'),
  },
  (t) => [index('watches_subject_type').on(t.subjectId, t.type), index('watches_watcher').on(t.watcherAccountId, t.subjectId)],
);

/** A supporter's feed item: a watch matched a record, or the person removed a watch. */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['match', 'watch-removed', 'escalated'] }).notNull(),
    watchId: text('watch_id').notNull(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    watcherAccountId: text('watcher_account_id').notNull(),
    recordId: text('record_id'),
    type: text('type').notNull(),
    at: ms('at').notNull(),
    /** What matched (scores, values): health data, so sealed with the person's data key. */
    sealedMatched: bytea('sealed_matched'),
    ackedAt: ms('acked_at'),
    /** A match still unacknowledged then is escalated to the watcher's organisation. */
    escalateAt: ms('escalate_at'),
    escalatedAt: ms('escalated_at'),
    escalatedFrom: text('escalated_from'),
  },
  (t) => [index('alerts_watcher').on(t.watcherAccountId, t.at), index('alerts_escalation_due').on(t.escalateAt)],
);

/** An organisation's webhook endpoint; the signing secret is sealed under the KEK. */
export const webhooks = pgTable('webhooks', {
  organisationId: text('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  url: text('url').notNull(),
  kekId: text('kek_id').notNull(),
  sealedSecret: bytea('sealed_secret').notNull(),
  createdAt: ms('created_at').notNull(),
});

/** Outbox of webhook deliveries: written with the alert, sent with retries, kept across restarts. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    deliveredAt: ms('delivered_at'),
  },
  (t) => [index('webhook_deliveries_due').on(t.status, t.nextAttemptAt)],
);

/**
 * Rate and login limit windows, shared by every instance (SQLite keeps these in its one
 * process). Keys name a limit and a client IP or handle, never anything personal beyond that.
 */
export const rateCounters = pgTable(
  'rate_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    resetAt: ms('reset_at').notNull(),
    lastAt: ms('last_at').notNull(),
  },
  (t) => [index('rate_counters_reset').on(t.resetAt)],
);

/**
 * Signed checkpoints of each person's chain head (JWS by the service key), which anchor the
 * chain: `tessera audit verify` fails when the chain no longer reaches one. Deleted on erasure.
 */
export const logCheckpoints = pgTable(
  'log_checkpoints',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    seq: integer('seq').notNull(),
    hash: text('hash').notNull(),
    at: ms('at').notNull(),
    jws: text('jws').notNull(),
    /** The access-log position (`written`) the periodic signer had read to; null for checkpoints made on demand. */
    through: bigint('through', { mode: 'number' }),
  },
  (t) => [index('log_checkpoints_subject_seq').on(t.subjectId, t.seq), index('log_checkpoints_through').on(t.through)],
);

/** One row once the MACs of rows older than MACs were made (see the SQLite schema). */
export const integrityBackfill = pgTable('integrity_backfill', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  at: ms('at').notNull(),
});

/** A person's delegate and the powers they hold (docs/care-team.md "Delegates"); the powers carry a MAC. */
export const delegations = pgTable(
  'delegations',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    personAccountId: text('person_account_id').notNull(),
    delegateAccountId: text('delegate_account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    /** JSON array of powers. */
    powers: text('powers').notNull(),
    basis: text('basis', { enum: ['consent', 'lasting-power-of-attorney', 'deputyship', 'parental-responsibility'] }).notNull(),
    expiresAt: ms('expires_at').notNull(),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
    receipt: text('receipt').notNull(),
    revocationReceipt: text('revocation_receipt'),
    integrity: text('integrity'),
  },
  (t) => [index('delegations_subject').on(t.subjectId, t.createdAt), index('delegations_delegate').on(t.delegateAccountId)],
);

/** Notices for one account (a person, or a supporter): ids and codes only, no personal content. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    recipientAccountId: text('recipient_account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    at: ms('at').notNull(),
    /** JSON: ids and codes. */
    data: text('data').notNull(),
    readAt: ms('read_at'),
    dedupeKey: text('dedupe_key'),
  },
  (t) => [index('notifications_recipient').on(t.recipientAccountId, t.at), uniqueIndex('notifications_dedupe').on(t.dedupeKey)],
);

/** A referral of the person by a supporter to another organisation or practitioner. */
export const referrals = pgTable(
  'referrals',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    referrerAccountId: text('referrer_account_id')
      .notNull()
      .references(() => accounts.id),
    referrerOrganisationId: text('referrer_organisation_id'),
    referToAccountId: text('refer_to_account_id').references(() => accounts.id),
    referToOrganisationId: text('refer_to_organisation_id').references(() => organisations.id),
    categories: text('categories').notNull(),
    types: text('types'),
    fromAt: ms('from_at'),
    toAt: ms('to_at'),
    purpose: text('purpose').notNull(),
    sealedNote: bytea('sealed_note'),
    grantExpiresAt: ms('grant_expires_at').notNull(),
    createdAt: ms('created_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied'] }).notNull(),
    decidedAt: ms('decided_at'),
    grantId: text('grant_id'),
  },
  (t) => [index('referrals_subject').on(t.subjectId, t.createdAt), index('referrals_referrer').on(t.referrerAccountId, t.createdAt)],
);

/** A person's break-glass policy: organisations, categories, minutes, sealed with their key. */
export const emergencyPolicies = pgTable('emergency_policies', {
  subjectId: text('subject_id')
    .primaryKey()
    .references(() => subjects.id, { onDelete: 'cascade' }),
  sealedPolicy: bytea('sealed_policy').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/** Emergency accesses opened under a policy, and whether the person flagged one as unjustified. */
export const emergencyAccesses = pgTable(
  'emergency_accesses',
  {
    grantId: text('grant_id')
      .primaryKey()
      .references(() => grants.id, { onDelete: 'cascade' }),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    organisationId: text('organisation_id').notNull(),
    practitionerAccountId: text('practitioner_account_id').notNull(),
    openedAt: ms('opened_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    flaggedAt: ms('flagged_at'),
    sealedFlagStatement: bytea('sealed_flag_statement'),
  },
  (t) => [index('emergency_accesses_subject').on(t.subjectId, t.openedAt), index('emergency_accesses_organisation').on(t.organisationId, t.openedAt)],
);

/** A short-lived, single-use code a person gives a supporter; only its hash is stored. */
export const invites = pgTable(
  'invites',
  {
    codeHash: text('code_hash').primaryKey(),
    id: text('id').notNull(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
    usedByAccountId: text('used_by_account_id'),
  },
  (t) => [index('invites_subject').on(t.subjectId, t.createdAt)],
);

/** Bespoke measures, as in src/storage/sqlite/schema.ts (docs/outcomes.md "Bespoke measures"). */
export const typeDefinitions = pgTable(
  'type_definitions',
  {
    id: text('id').primaryKey(),
    scope: text('scope').notNull(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    organisationId: text('organisation_id').references(() => organisations.id),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    definition: text('definition'),
    sealedDefinition: bytea('sealed_definition'),
    createdBy: text('created_by').notNull(),
    createdAt: ms('created_at').notNull(),
    publishedAt: ms('published_at'),
  },
  (t) => [uniqueIndex('type_definitions_scope_code_version').on(t.scope, t.code, t.version), index('type_definitions_status').on(t.status, t.scope)],
);

/**
 * An import into one person's store (docs/imports.md). Counts only; what went wrong names
 * entries and may quote their values, so it is sealed with the person's data key.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    format: text('format', { enum: ['fhir', 'omh', 'csv'] }).notNull(),
    status: text('status', { enum: ['running', 'completed', 'failed'] }).notNull(),
    total: integer('total').notNull(),
    processed: integer('processed').notNull(),
    added: integer('added').notNull(),
    skipped: integer('skipped').notNull(),
    sealedErrors: bytea('sealed_errors'),
    createdAt: ms('created_at').notNull(),
    finishedAt: ms('finished_at'),
  },
  (t) => [index('import_jobs_subject').on(t.subjectId, t.createdAt)],
);

/**
 * What was imported, by a keyed digest of each entry's content (the key comes from the person's
 * data key, so the digest says nothing without it). Deleting the record frees its digest.
 */
export const importDigests = pgTable(
  'import_digests',
  {
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    digest: text('digest').notNull(),
    recordId: text('record_id')
      .notNull()
      .references(() => records.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.subjectId, t.digest] }), index('import_digests_record').on(t.recordId)],
);

/** A Bulk Data export of an organisation's caseload (docs/fhir.md). */
export const bulkExports = pgTable(
  'bulk_exports',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['running', 'completed', 'failed', 'cancelled'] }).notNull(),
    /** The kick-off request URL (an organisation id and parameters, no personal data). */
    request: text('request').notNull(),
    /** JSON array of resource types asked for. */
    types: text('types').notNull(),
    since: ms('since'),
    transactionTime: ms('transaction_time').notNull(),
    totalPeople: integer('total_people').notNull(),
    donePeople: integer('done_people').notNull(),
    error: text('error'),
    finishedAt: ms('finished_at'),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('bulk_exports_account').on(t.accountId), index('bulk_exports_expiry').on(t.expiresAt)],
);

/** Output of a bulk export: NDJSON lines of one person and one resource type, sealed with that person's data key. */
export const bulkExportParts = pgTable(
  'bulk_export_parts',
  {
    exportId: text('export_id')
      .notNull()
      .references(() => bulkExports.id, { onDelete: 'cascade' }),
    resourceType: text('resource_type').notNull(),
    seq: integer('seq').notNull(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    count: integer('count').notNull(),
    /** JSON array: the grants the lines were read under; a download serves them only while one still holds. */
    grantIds: text('grant_ids').notNull(),
    payload: bytea('payload').notNull(),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.resourceType, t.seq] }), index('bulk_export_parts_subject').on(t.subjectId)],
);

/** A person's dispute of a record someone else wrote, as in src/storage/sqlite/schema.ts (docs/care-team.md "Disputes"). */
export const disputes = pgTable(
  'disputes',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    recordId: text('record_id')
      .notNull()
      .references(() => records.id, { onDelete: 'cascade' }),
    writerAccountId: text('writer_account_id').notNull(),
    writerOrganisationId: text('writer_organisation_id'),
    status: text('status', { enum: ['open', 'amended', 'entered-in-error', 'upheld'] }).notNull(),
    sealedStatement: bytea('sealed_statement').notNull(),
    createdAt: ms('created_at').notNull(),
    resolvedAt: ms('resolved_at'),
    resolvedByAccountId: text('resolved_by_account_id'),
    sealedNote: bytea('sealed_note'),
    replacementRecordId: text('replacement_record_id'),
  },
  (t) => [
    index('disputes_record').on(t.subjectId, t.recordId),
    // At most one open dispute per record, also when two requests race.
    uniqueIndex('disputes_open_record')
      .on(t.recordId)
      .where(sql`status = 'open'`),
    index('disputes_writer_org').on(t.writerOrganisationId, t.createdAt),
    index('disputes_writer_account').on(t.writerAccountId, t.createdAt),
    index('disputes_hidden').on(t.subjectId, t.status),
  ],
);
