import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The SQLite schema. drizzle-kit generates migrations/ from this file (`npm run db:generate`).
 * Times are epoch milliseconds. Personal content lives only in sealed blobs; the clear columns
 * are the metadata slices are selected by (docs/architecture.md "The storage port").
 */

export const organisations = sqliteTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  createdAt: integer('created_at').notNull(),
});

export const subjects = sqliteTable('subjects', {
  id: text('id').primaryKey(),
  createdAt: integer('created_at').notNull(),
});

export const subjectKeys = sqliteTable('subject_keys', {
  subjectId: text('subject_id')
    .primaryKey()
    .references(() => subjects.id, { onDelete: 'cascade' }),
  kekId: text('kek_id').notNull(),
  wrappedKey: blob('wrapped_key', { mode: 'buffer' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const accounts = sqliteTable(
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
    sealedDisplayName: blob('sealed_display_name', { mode: 'buffer' }),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    organisationId: text('organisation_id').references(() => organisations.id),
    role: text('role'),
    /** A client's public JWKS (JSON). */
    jwks: text('jwks'),
    disabledAt: integer('disabled_at'),
    createdAt: integer('created_at').notNull(),
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
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
    /** MAC of id, account, lifetime and scope; null once revoked. */
    integrity: text('integrity'),
    /** SMART scopes granted at the token endpoint (space-separated), or null for an unscoped session. */
    scope: text('scope'),
  },
  (t) => [index('sessions_account').on(t.accountId)],
);

export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('refresh_tokens_session').on(t.sessionId)],
);

export const records = sqliteTable(
  'records',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    type: text('type').notNull(),
    effectiveAt: integer('effective_at').notNull(),
    createdAt: integer('created_at').notNull(),
    sourceKind: text('source_kind', { enum: ['self', 'delegate', 'practitioner', 'client'] }).notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    sourceOrganisationId: text('source_organisation_id'),
    schemaVersion: integer('schema_version').notNull(),
    /** Sealed payload: value, answers, scores, text, detail. */
    payload: blob('payload', { mode: 'buffer' }).notNull(),
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
export const seriesChunks = sqliteTable(
  'series_chunks',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    type: text('type').notNull(),
    day: integer('day').notNull(),
    firstAt: integer('first_at').notNull(),
    lastAt: integer('last_at').notNull(),
    count: integer('count').notNull(),
    sourceKind: text('source_kind', { enum: ['self', 'delegate', 'practitioner', 'client'] }).notNull(),
    sourceAccountId: text('source_account_id').notNull(),
    sourceOrganisationId: text('source_organisation_id'),
    createdAt: integer('created_at').notNull(),
    /** When readings last joined it (Bulk Data `_since`). */
    updatedAt: integer('updated_at').notNull(),
    revision: integer('revision').notNull(),
    payload: blob('payload', { mode: 'buffer' }).notNull(),
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
export const grants = sqliteTable(
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
    fromAt: integer('from_at'),
    toAt: integer('to_at'),
    purpose: text('purpose').notNull(),
    /** The person's free-text purpose, sealed with their data key. */
    sealedPurposeText: blob('sealed_purpose_text', { mode: 'buffer' }),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    revokedReason: text('revoked_reason'),
    requestId: text('request_id'),
    receipt: text('receipt').notNull(),
    revocationReceipt: text('revocation_receipt'),
    /**
     * Whether the grantee sees the person's display name while the grant is active; read on
     * every request, like the rest of the grant. Grants made before this column show none.
     */
    shareName: integer('share_name', { mode: 'boolean' }).notNull().default(false),
    /** MAC of the terms; null once revoked. */
    integrity: text('integrity'),
  },
  (t) => [
    index('grants_subject').on(t.subjectId, t.createdAt),
    index('grants_grantee_account').on(t.granteeAccountId, t.subjectId),
    index('grants_grantee_organisation').on(t.granteeOrganisationId, t.subjectId),
  ],
);

/**
 * A supporter's request for a slice, awaiting the person's decision. No foreign key to
 * subjects: a request to an id no one has is stored like any other (and never shown to anyone
 * but its sender), so the sender's list cannot tell whether the person exists. Erasure deletes
 * a person's requests explicitly.
 */
export const accessRequests = sqliteTable(
  'access_requests',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    requesterAccountId: text('requester_account_id')
      .notNull()
      .references(() => accounts.id),
    requesterOrganisationId: text('requester_organisation_id'),
    access: text('access', { enum: ['read', 'append'] }).notNull(),
    categories: text('categories').notNull(),
    types: text('types'),
    fromAt: integer('from_at'),
    toAt: integer('to_at'),
    purpose: text('purpose').notNull(),
    /** The requester's explanation, sealed with the person's data key. */
    sealedPurposeText: blob('sealed_purpose_text', { mode: 'buffer' }),
    grantExpiresAt: integer('grant_expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied'] }).notNull(),
    decidedAt: integer('decided_at'),
    grantId: text('grant_id'),
  },
  (t) => [index('access_requests_subject').on(t.subjectId, t.createdAt), index('access_requests_requester').on(t.requesterAccountId, t.createdAt)],
);

/**
 * A short-lived, single-use code a person gives a supporter, who sends an access request with
 * it instead of the person's subject id. Only a hash of the code is stored.
 */
export const invites = sqliteTable(
  'invites',
  {
    codeHash: text('code_hash').primaryKey(),
    id: text('id').notNull(),
    subjectId: text('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    usedByAccountId: text('used_by_account_id'),
  },
  (t) => [index('invites_subject').on(t.subjectId, t.createdAt)],
);

/**
 * The access log, hash-chained per person (`seq` orders each chain). No foreign key to
 * subjects: after erasure the chain keeps a tombstone entry with no personal data.
 */
export const accessLog = sqliteTable(
  'access_log',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
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
  },
  (t) => [uniqueIndex('access_log_subject_seq').on(t.subjectId, t.seq)],
);

/**
 * Signed checkpoints of each person's chain head (JWS by the service key), which anchor the
 * chain: `tessera audit verify` fails when the chain no longer reaches one. Deleted on erasure.
 */
export const logCheckpoints = sqliteTable(
  'log_checkpoints',
  {
    id: text('id').primaryKey(),
    subjectId: text('subject_id').notNull(),
    seq: integer('seq').notNull(),
    hash: text('hash').notNull(),
    at: integer('at').notNull(),
    jws: text('jws').notNull(),
    /** The access-log rowid the periodic signer had read to; null for checkpoints made on demand. */
    through: integer('through'),
  },
  (t) => [index('log_checkpoints_subject_seq').on(t.subjectId, t.seq), index('log_checkpoints_through').on(t.through)],
);

/** Idempotency keys of appends, kept at least 24 h; they hold record ids, never content. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    accountId: text('account_id').notNull(),
    key: text('key').notNull(),
    subjectId: text('subject_id').notNull(),
    requestHash: text('request_hash').notNull(),
    /** JSON: the stored answer's record ids and whether it was a batch. */
    result: text('result').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.key] }), index('idempotency_keys_expiry').on(t.expiresAt)],
);

/** Client assertion ids seen, until they expire, so an assertion cannot be replayed (RFC 7523 §3). */
export const assertionJtis = sqliteTable(
  'assertion_jtis',
  {
    clientId: text('client_id').notNull(),
    jti: text('jti').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.jti] }), index('assertion_jtis_expiry').on(t.expiresAt)],
);

/** A supporter's rule on one type of a person's records; it lives only while a read grant covers it. */
export const watches = sqliteTable(
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
    createdAt: integer('created_at').notNull(),
    deletedAt: integer('deleted_at'),
    deletedBy: text('deleted_by'),
  },
  (t) => [index('watches_subject_type').on(t.subjectId, t.type), index('watches_watcher').on(t.watcherAccountId, t.subjectId)],
);

/** A supporter's feed item: a watch matched a record, or the person removed a watch. */
export const alerts = sqliteTable(
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
    at: integer('at').notNull(),
    /** What matched (scores, values): health data, so sealed with the person's data key. */
    sealedMatched: blob('sealed_matched', { mode: 'buffer' }),
    ackedAt: integer('acked_at'),
    /** A match still unacknowledged at this time is escalated to the watcher's organisation (alerts/escalation.ts). */
    escalateAt: integer('escalate_at'),
    escalatedAt: integer('escalated_at'),
    /** On a colleague's copy: the alert it was escalated from. */
    escalatedFrom: text('escalated_from'),
  },
  (t) => [index('alerts_watcher').on(t.watcherAccountId, t.at), index('alerts_escalation_due').on(t.escalateAt)],
);

/** An organisation's webhook endpoint; the signing secret is sealed under the KEK. */
export const webhooks = sqliteTable('webhooks', {
  organisationId: text('organisation_id')
    .primaryKey()
    .references(() => organisations.id),
  url: text('url').notNull(),
  kekId: text('kek_id').notNull(),
  sealedSecret: blob('sealed_secret', { mode: 'buffer' }).notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Outbox of webhook deliveries: written with the alert, sent with retries, kept across restarts. */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: integer('created_at').notNull(),
    deliveredAt: integer('delivered_at'),
  },
  (t) => [index('webhook_deliveries_due').on(t.status, t.nextAttemptAt)],
);

/**
 * One row once the MACs of rows older than MACs were made (on the first start after the
 * upgrade). A second backfill after this is logged loudly: it means the marker was removed.
 */
export const integrityBackfill = sqliteTable('integrity_backfill', {
  id: integer('id').primaryKey(),
  at: integer('at').notNull(),
});

/** A person's delegate and the powers they hold (docs/care-team.md "Delegates"); the powers carry a MAC. */
export const delegations = sqliteTable(
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
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    receipt: text('receipt').notNull(),
    revocationReceipt: text('revocation_receipt'),
    integrity: text('integrity'),
  },
  (t) => [index('delegations_subject').on(t.subjectId, t.createdAt), index('delegations_delegate').on(t.delegateAccountId)],
);

/** Notices for one account (a person, or a supporter): ids and codes only, no personal content. */
export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    recipientAccountId: text('recipient_account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    /** JSON: ids and codes. */
    data: text('data').notNull(),
    readAt: integer('read_at'),
    dedupeKey: text('dedupe_key'),
  },
  (t) => [index('notifications_recipient').on(t.recipientAccountId, t.at), uniqueIndex('notifications_dedupe').on(t.dedupeKey)],
);

/**
 * Bespoke measures (docs/outcomes.md "Bespoke measures"): questionnaire types an organisation or
 * a person defines as data. Each version is a row; a draft can change, a published version is
 * frozen. An organisation's definition is public catalogue data, kept as JSON; a person's own
 * is sealed with their data key and goes with them on erasure. `scope` is `org` for
 * organisation types (codes unique across organisations) or the person's subject id.
 */
export const typeDefinitions = sqliteTable(
  'type_definitions',
  {
    id: text('id').primaryKey(),
    scope: text('scope').notNull(),
    code: text('code').notNull(),
    version: integer('version').notNull(),
    organisationId: text('organisation_id').references(() => organisations.id),
    subjectId: text('subject_id').references(() => subjects.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    /** Organisation types: the definition as JSON (catalogue data, no personal content). */
    definition: text('definition'),
    /** A person's own types: the definition sealed with their data key. */
    sealedDefinition: blob('sealed_definition', { mode: 'buffer' }),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    publishedAt: integer('published_at'),
  },
  (t) => [uniqueIndex('type_definitions_scope_code_version').on(t.scope, t.code, t.version), index('type_definitions_status').on(t.status, t.scope)],
);

/** A referral of the person by a supporter to another organisation or practitioner. */
export const referrals = sqliteTable(
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
    fromAt: integer('from_at'),
    toAt: integer('to_at'),
    purpose: text('purpose').notNull(),
    sealedNote: blob('sealed_note', { mode: 'buffer' }),
    grantExpiresAt: integer('grant_expires_at').notNull(),
    createdAt: integer('created_at').notNull(),
    status: text('status', { enum: ['pending', 'approved', 'denied'] }).notNull(),
    decidedAt: integer('decided_at'),
    grantId: text('grant_id'),
  },
  (t) => [index('referrals_subject').on(t.subjectId, t.createdAt), index('referrals_referrer').on(t.referrerAccountId, t.createdAt)],
);

/** A person's break-glass policy: organisations, categories, minutes, sealed with their key. */
export const emergencyPolicies = sqliteTable('emergency_policies', {
  subjectId: text('subject_id')
    .primaryKey()
    .references(() => subjects.id, { onDelete: 'cascade' }),
  sealedPolicy: blob('sealed_policy', { mode: 'buffer' }).notNull(),
  updatedAt: integer('updated_at').notNull(),
});

/** Emergency accesses opened under a policy, and whether the person flagged one as unjustified. */
export const emergencyAccesses = sqliteTable(
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
    openedAt: integer('opened_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    flaggedAt: integer('flagged_at'),
    sealedFlagStatement: blob('sealed_flag_statement', { mode: 'buffer' }),
  },
  (t) => [index('emergency_accesses_subject').on(t.subjectId, t.openedAt), index('emergency_accesses_organisation').on(t.organisationId, t.openedAt)],
);

/**
 * An import into one person's store (docs/imports.md). Counts only; what went wrong names
 * entries and may quote their values, so it is sealed with the person's data key.
 */
export const importJobs = sqliteTable(
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
    sealedErrors: blob('sealed_errors', { mode: 'buffer' }),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('import_jobs_subject').on(t.subjectId, t.createdAt)],
);

/**
 * What was imported, by a keyed digest of each entry's content (the key comes from the person's
 * data key, so the digest says nothing without it). Deleting the record frees its digest.
 */
export const importDigests = sqliteTable(
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
export const bulkExports = sqliteTable(
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
    since: integer('since'),
    transactionTime: integer('transaction_time').notNull(),
    totalPeople: integer('total_people').notNull(),
    donePeople: integer('done_people').notNull(),
    error: text('error'),
    finishedAt: integer('finished_at'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('bulk_exports_account').on(t.accountId), index('bulk_exports_expiry').on(t.expiresAt)],
);

/** Output of a bulk export: NDJSON lines of one person and one resource type, sealed with that person's data key. */
export const bulkExportParts = sqliteTable(
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
    payload: blob('payload', { mode: 'buffer' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.exportId, t.resourceType, t.seq] }), index('bulk_export_parts_subject').on(t.subjectId)],
);

/** A person's dispute of a record someone else wrote; the record itself is never changed. */
export const disputes = sqliteTable(
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
    sealedStatement: blob('sealed_statement', { mode: 'buffer' }).notNull(),
    createdAt: integer('created_at').notNull(),
    resolvedAt: integer('resolved_at'),
    resolvedByAccountId: text('resolved_by_account_id'),
    sealedNote: blob('sealed_note', { mode: 'buffer' }),
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
