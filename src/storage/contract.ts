/**
 * What the features need from storage. SQLite implements it in sqlite/; a PostgreSQL adapter
 * would be a second folder passing the same conformance tests. Methods are async so that an
 * adapter with a network round-trip fits the same contract; each method is atomic on its own.
 */

export type AccountKind = 'citizen' | 'practitioner' | 'client' | 'admin';

export interface AccountRow {
  id: string;
  kind: AccountKind;
  handle: string | null;
  passwordHash: string | null;
  displayName: string | null;
  sealedDisplayName: Uint8Array | null;
  subjectId: string | null;
  organisationId: string | null;
  role: string | null;
  jwks: string | null;
  disabledAt: number | null;
  createdAt: number;
}

export interface WrappedKeyRow {
  subjectId: string;
  kekId: string;
  wrappedKey: Uint8Array;
}

export interface SessionRow {
  id: string;
  accountId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** What authentication needs on every request: the session and its account, from the DB. */
export interface AuthRow {
  sessionId: string;
  sessionExpiresAt: number;
  sessionRevokedAt: number | null;
  account: AccountRow;
}

export type RefreshOutcome =
  | { kind: 'rotated'; session: SessionRow; account: AccountRow }
  | { kind: 'reused' }
  | { kind: 'invalid' };

export interface RecordRow {
  id: string;
  subjectId: string;
  category: string;
  type: string;
  effectiveAt: number;
  createdAt: number;
  sourceKind: 'self' | 'practitioner' | 'client';
  sourceAccountId: string;
  sourceOrganisationId: string | null;
  schemaVersion: number;
  payload: Uint8Array;
}

/**
 * One slice of a person's store: categories (null = all), optional types, optional window on
 * effectiveAt (inclusive, epoch ms). A scope is the union of its slices.
 */
export interface Slice {
  categories: string[] | null;
  types: string[] | null;
  from: number | null;
  to: number | null;
}

/** The part of one person's store a read may touch; made by the access layer only. */
export interface Scope {
  subjectId: string;
  slices: Slice[];
}

export interface RecordQuery {
  categories?: string[];
  types?: string[];
  from?: number;
  to?: number;
  /** Keyset position: records strictly older than this (effectiveAt desc, id desc). */
  after?: { effectiveAt: number; id: string };
  limit: number;
}

export interface AccountsRepo {
  /** Creates a person: subject, wrapped data key and citizen account in one transaction. */
  createCitizen(account: AccountRow, key: WrappedKeyRow): Promise<void>;
  /** Creates a non-citizen account. @throws ConflictError when the handle is taken */
  create(account: AccountRow): Promise<void>;
  findByHandle(handle: string): Promise<AccountRow | undefined>;
  findById(id: string): Promise<AccountRow | undefined>;
}

export interface SessionsRepo {
  /** Stores a new session, with its first refresh token when there is one. */
  create(session: SessionRow, refresh: { tokenHash: string; expiresAt: number } | null): Promise<void>;
  /** @returns the session and account for a token's `sid`, or undefined */
  authLookup(sessionId: string): Promise<AuthRow | undefined>;
  /**
   * Spends a refresh token and stores its successor, atomically. A token spent before means
   * it was stolen or replayed: the whole family (session) is revoked (OAuth 2.0 Security BCP §4.14).
   */
  rotateRefresh(tokenHash: string, next: { tokenHash: string; expiresAt: number }, now: number): Promise<RefreshOutcome>;
  revoke(sessionId: string, reason: string, now: number): Promise<void>;
  /** @returns the session a refresh token belongs to, spent or not */
  sessionOfRefresh(tokenHash: string): Promise<SessionRow | undefined>;
}

export interface KeysRepo {
  getWrapped(subjectId: string): Promise<WrappedKeyRow | undefined>;
}

export interface RecordsRepo {
  insert(rows: RecordRow[]): Promise<void>;
  list(scope: Scope, query: RecordQuery): Promise<RecordRow[]>;
  get(scope: Scope, id: string): Promise<RecordRow | undefined>;
  /** @returns whether a record of that person was deleted */
  delete(subjectId: string, id: string): Promise<boolean>;
}

export interface Storage {
  accounts: AccountsRepo;
  sessions: SessionsRepo;
  keys: KeysRepo;
  records: RecordsRepo;
  /** Checks the database answers (readiness). */
  ping(): Promise<void>;
  /** Flushes the WAL into the main file and closes. */
  close(): void;
}
