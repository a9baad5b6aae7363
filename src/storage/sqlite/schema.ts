import { blob, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * The SQLite schema. drizzle-kit generates migrations/ from this file (`npm run db:generate`).
 * Times are epoch milliseconds. Personal content lives only in sealed blobs; the clear columns
 * are the metadata slices are selected by (DESIGN "Data model").
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
    sourceKind: text('source_kind', { enum: ['self', 'practitioner', 'client'] }).notNull(),
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
