/**
 * What the features need from storage. SQLite implements it in sqlite/, PostgreSQL in
 * postgres/; both pass test/storage/conformance.ts (docs/architecture.md "The storage port").
 * Methods are async so that an adapter with a network round-trip fits the same contract; each
 * method is atomic on its own, and holds across several Tessera instances on one database.
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
  /** MAC of the protected columns (src/crypto/integrity.ts); set to null when the account is disabled. */
  integrity: string | null;
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
  /** MAC of id, account, creation, expiry and scope; set to null when the session is revoked. */
  integrity: string | null;
  /** SMART scopes granted at the token endpoint (space-separated), or null: no narrowing. */
  scope: string | null;
}

/** What authentication needs on every request: the session and its account, from the DB. */
export interface AuthRow {
  sessionId: string;
  sessionCreatedAt: number;
  sessionExpiresAt: number;
  sessionRevokedAt: number | null;
  sessionIntegrity: string | null;
  sessionScope: string | null;
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
  /** `delegate`: written for the person by someone they named (sourceAccountId). */
  sourceKind: 'self' | 'delegate' | 'practitioner' | 'client';
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
  /** Keyset position: records strictly after this one in the list's order. */
  after?: { effectiveAt: number; id: string };
  /** By effectiveAt then id: newest first (`desc`, the default) or oldest first. */
  order?: 'asc' | 'desc';
  limit: number;
  /** Leave out records their writer resolved as entered in error (supporters' reads). */
  hideEnteredInError?: boolean;
}

export interface OrganisationRow {
  id: string;
  name: string;
  kind: string;
  createdAt: number;
}

export interface GrantRow {
  id: string;
  subjectId: string;
  granteeAccountId: string | null;
  granteeOrganisationId: string | null;
  /** For organisation grants, which of its accounts it reaches; null for grants to one account. */
  members: GrantMembers | null;
  /** `aggregate`: outcome-reporting consent; counted in aggregates, never a record read. */
  access: 'read' | 'append' | 'aggregate';
  categories: string[];
  types: string[] | null;
  fromAt: number | null;
  toAt: number | null;
  purpose: string;
  sealedPurposeText: Uint8Array | null;
  expiresAt: number;
  createdAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  requestId: string | null;
  receipt: string;
  revocationReceipt: string | null;
  /** Whether the grantee is shown the person's display name while the grant is active. */
  shareName: boolean;
  /** MAC of the terms (src/crypto/integrity.ts); set to null when the grant is revoked. */
  integrity: string | null;
}

export type GrantStatus = 'active' | 'expired' | 'revoked';

/** Which accounts of a grantee organisation an organisation grant reaches. */
export type GrantMembers = 'practitioners' | 'clients' | 'all';

/**
 * An account as a holder of grants: its own grants, and those of its organisation whose
 * `members` include its kind.
 */
export interface Holder {
  accountId: string;
  kind: AccountKind;
  organisationId: string | null;
}

export interface AccessRequestRow {
  id: string;
  subjectId: string;
  requesterAccountId: string;
  requesterOrganisationId: string | null;
  access: 'read' | 'append';
  categories: string[];
  types: string[] | null;
  fromAt: number | null;
  toAt: number | null;
  purpose: string;
  sealedPurposeText: Uint8Array | null;
  grantExpiresAt: number;
  createdAt: number;
  expiresAt: number;
  status: 'pending' | 'approved' | 'denied';
  decidedAt: number | null;
  grantId: string | null;
}

/** An access-log entry as written by a service; storage adds id, seq and the chain hashes. */
export interface LogEntryInput {
  subjectId: string;
  at: number;
  actor: { accountId: string | null; organisationId: string | null; kind: string };
  /** When the actor is a delegate: the person they acted for (absent otherwise). */
  onBehalfOf?: { accountId: string };
  action: string;
  grantIds: string[];
  recordIds: string[];
  query: Record<string, unknown>;
}

export interface LogEntryRow extends LogEntryInput {
  id: string;
  seq: number;
  prevHash: string | null;
  hash: string;
}

/** The last link of a person's chain. */
export interface ChainHead {
  subjectId: string;
  seq: number;
  hash: string;
}

/**
 * A signed checkpoint of a person's chain head: a JWS by the service key over `subjectId`,
 * `seq` and `hash`, which anchors the chain so that truncating or re-hashing it is detected.
 */
export interface CheckpointRow extends ChainHead {
  id: string;
  at: number;
  jws: string;
  /** For checkpoints the periodic signer made: the log position it had read to (see {@link AccessLogRepo.advancedSince}). */
  through: number | null;
}

export interface LogFilter {
  actorAccountId?: string;
  action?: string;
  from?: number;
  to?: number;
  /** Keyset position: entries after (or, descending, before) this seq. */
  afterSeq?: number;
  order: 'asc' | 'desc';
  limit: number;
}

/** Keyset position in lists ordered newest first by creation. */
export interface CreatedPosition {
  createdAt: number;
  id: string;
}

export interface IdempotencyRow {
  accountId: string;
  key: string;
  subjectId: string;
  requestHash: string;
  result: string;
  createdAt: number;
  expiresAt: number;
}

/** What a delegate may do for the person (never erasure, delegates or the password). */
export type DelegatePower = 'read-records' | 'add-records' | 'manage-sharing';

/** A person's delegate: someone who acts for them within named powers, until revoked or expired. */
export interface DelegationRow {
  id: string;
  subjectId: string;
  /** The person's own (citizen) account. */
  personAccountId: string;
  delegateAccountId: string;
  powers: DelegatePower[];
  basis: 'consent' | 'lasting-power-of-attorney' | 'deputyship' | 'parental-responsibility';
  expiresAt: number;
  createdAt: number;
  revokedAt: number | null;
  receipt: string;
  revocationReceipt: string | null;
  /** MAC of the terms (src/core/integrity.ts); cleared on revocation. */
  integrity: string | null;
}

export interface DelegationsRepo {
  /** Stores a delegation and its access-log entry in one transaction. */
  create(row: DelegationRow, log: LogEntryInput): Promise<void>;
  get(id: string): Promise<DelegationRow | undefined>;
  /** Every delegation a person ever made, newest first. */
  listForSubject(subjectId: string): Promise<DelegationRow[]>;
  /** Delegations to an account that are neither revoked nor expired, newest first. */
  activeForDelegate(accountId: string, now: number): Promise<DelegationRow[]>;
  /** Revokes and logs, atomically. @returns the row after the call, or undefined when there is none */
  revoke(subjectId: string, id: string, now: number, receipt: string, log: LogEntryInput): Promise<DelegationRow | undefined>;
}

/** A supporter's referral of the person to another organisation or practitioner, for the person to decide. */
export interface ReferralRow {
  id: string;
  subjectId: string;
  referrerAccountId: string;
  referrerOrganisationId: string | null;
  referToAccountId: string | null;
  referToOrganisationId: string | null;
  categories: string[];
  types: string[] | null;
  fromAt: number | null;
  toAt: number | null;
  purpose: string;
  /** The referrer's note to the person, sealed with the person's data key. */
  sealedNote: Uint8Array | null;
  grantExpiresAt: number;
  createdAt: number;
  status: 'pending' | 'approved' | 'denied';
  decidedAt: number | null;
  grantId: string | null;
}

export interface ReferralsRepo {
  /** Stores a referral with its access-log entry, atomically. */
  create(row: ReferralRow, log: LogEntryInput): Promise<void>;
  get(subjectId: string, id: string): Promise<ReferralRow | undefined>;
  listForSubject(subjectId: string, q: { status?: ReferralRow['status']; after?: CreatedPosition; limit: number }): Promise<ReferralRow[]>;
  listForReferrer(accountId: string, q: { after?: CreatedPosition; limit: number }): Promise<ReferralRow[]>;
  /** Marks a pending referral approved and stores its grant and log entry, atomically. */
  approve(referral: ReferralRow, grant: GrantRow, log: LogEntryInput): Promise<'approved' | 'not-pending'>;
  deny(referral: ReferralRow, now: number, log: LogEntryInput): Promise<'denied' | 'not-pending'>;
}

/** A person's break-glass policy, sealed with their data key (its terms decide access). */
export interface EmergencyPolicyRow {
  subjectId: string;
  sealedPolicy: Uint8Array;
  updatedAt: number;
}

/** One emergency access opened under a person's policy: a read-only grant with a stated reason. */
export interface EmergencyAccessRow {
  grantId: string;
  subjectId: string;
  organisationId: string;
  practitionerAccountId: string;
  openedAt: number;
  expiresAt: number;
  flaggedAt: number | null;
  /** The person's words on why it was unjustified, sealed with their data key. */
  sealedFlagStatement: Uint8Array | null;
}

export interface EmergencyRepo {
  getPolicy(subjectId: string): Promise<EmergencyPolicyRow | undefined>;
  putPolicy(row: EmergencyPolicyRow, log: LogEntryInput): Promise<void>;
  /** @returns whether there was a policy to delete */
  deletePolicy(subjectId: string, log: LogEntryInput): Promise<boolean>;
  /** Stores the emergency grant, its access row and its log entry, atomically. */
  open(grant: GrantRow, access: EmergencyAccessRow, log: LogEntryInput): Promise<void>;
  get(subjectId: string, grantId: string): Promise<EmergencyAccessRow | undefined>;
  listForSubject(subjectId: string): Promise<EmergencyAccessRow[]>;
  listForOrganisation(organisationId: string, limit: number): Promise<EmergencyAccessRow[]>;
  /** Marks an access unjustified (once) and logs it. @returns the row after the call */
  flag(subjectId: string, grantId: string, now: number, statement: Uint8Array | null, log: LogEntryInput): Promise<EmergencyAccessRow | undefined>;
}

/** The person's dispute of a record someone else wrote, and how the writer resolved it. */
export interface DisputeRow {
  id: string;
  subjectId: string;
  recordId: string;
  writerAccountId: string;
  writerOrganisationId: string | null;
  status: 'open' | 'amended' | 'entered-in-error' | 'upheld';
  /** The person's statement, sealed with their data key. */
  sealedStatement: Uint8Array;
  createdAt: number;
  resolvedAt: number | null;
  resolvedByAccountId: string | null;
  /** The writer's note on the resolution, sealed with the person's data key. */
  sealedNote: Uint8Array | null;
  /** For `amended`: the new record that replaces the disputed one. */
  replacementRecordId: string | null;
}

export interface DisputesRepo {
  /** Stores a dispute and its access-log entry, atomically. @throws ConflictError when the record already has an open dispute */
  create(row: DisputeRow, log: LogEntryInput): Promise<void>;
  get(id: string): Promise<DisputeRow | undefined>;
  /** The disputes on these records (the latest per record), for views. */
  forRecords(subjectId: string, recordIds: string[]): Promise<DisputeRow[]>;
  /**
   * Disputes of records an organisation's accounts wrote (or one account's, when it belongs to
   * none), newest first (createdAt, then id), after a position.
   */
  listForWriter(organisationId: string | null, accountId: string, q: { limit: number; status?: DisputeRow['status']; after?: CreatedPosition }): Promise<DisputeRow[]>;
  /**
   * Resolves an open dispute; for `amended`, stores the replacement record in the same
   * transaction. The disputed record itself is never touched.
   * @returns `resolved`, or `not-open` when it was resolved meanwhile
   */
  resolve(
    dispute: DisputeRow,
    outcome: { status: Exclude<DisputeRow['status'], 'open'>; resolvedAt: number; resolvedByAccountId: string; sealedNote: Uint8Array | null; replacement: RecordRow | null },
    log: LogEntryInput,
  ): Promise<'resolved' | 'not-open'>;
}

/** A notice for one account; `data` holds ids and codes only, never personal content. */
export interface NotificationRow {
  id: string;
  recipientAccountId: string;
  kind: string;
  /** The person it is about (for erasure), when there is one. */
  subjectId: string | null;
  at: number;
  data: Record<string, unknown>;
  readAt: number | null;
  /** Notices with the same key are made once (e.g. `grant-expiring:<grant>:14d`). */
  dedupeKey: string | null;
}

export interface NotificationsRepo {
  /** Stores notices, skipping any whose dedupe key was used before. @returns how many were new */
  add(rows: NotificationRow[]): Promise<number>;
  /** An account's notices, newest first. */
  list(accountId: string, q: { unread?: boolean; before?: { at: number; id: string }; limit: number }): Promise<NotificationRow[]>;
  markRead(accountId: string, id: string, now: number): Promise<NotificationRow | undefined>;
}

export interface WatchRow {
  id: string;
  subjectId: string;
  watcherAccountId: string;
  watcherOrganisationId: string | null;
  type: string;
  /** The rule as JSON text (codes and thresholds only). */
  rule: string;
  createdAt: number;
  deletedAt: number | null;
  deletedBy: 'watcher' | 'subject' | null;
}

export interface AlertRow {
  id: string;
  /** `escalated`: a copy for a colleague of the watcher, made when the match went unacknowledged. */
  kind: 'match' | 'watch-removed' | 'escalated';
  watchId: string;
  subjectId: string;
  watcherAccountId: string;
  recordId: string | null;
  type: string;
  at: number;
  sealedMatched: Uint8Array | null;
  ackedAt: number | null;
  /** A match not acknowledged by then goes to the watcher's organisation; null: never. */
  escalateAt: number | null;
  escalatedAt: number | null;
  /** On an escalated copy: the alert it came from. */
  escalatedFrom: string | null;
}

export interface WebhookRow {
  organisationId: string;
  url: string;
  kekId: string;
  sealedSecret: Uint8Array;
  createdAt: number;
}

export interface DeliveryRow {
  id: string;
  organisationId: string;
  alertId: string;
  /** `cancelled`: the consent behind it no longer covers the alert, so it is never sent. */
  status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

/** What else a record write commits in its transaction: alerts, their log entries, deliveries. */
export interface WriteEffects {
  alerts: AlertRow[];
  logs: LogEntryInput[];
  deliveries: DeliveryRow[];
}

export interface WatchesRepo {
  /** Stores a watch and its entry in the person's access log, atomically. */
  create(row: WatchRow, log: LogEntryInput): Promise<void>;
  get(subjectId: string, id: string): Promise<WatchRow | undefined>;
  /** Live (undeleted) watches on a person, all watchers, optionally of one type, oldest first. */
  listForSubject(subjectId: string, type?: string): Promise<WatchRow[]>;
  /** A page of {@link listForSubject}: watches created after `after` (createdAt asc, id asc). */
  pageForSubject(subjectId: string, q: { after?: { createdAt: number; id: string }; limit: number }): Promise<WatchRow[]>;
  listForWatcher(accountId: string, subjectId: string): Promise<WatchRow[]>;
  /** How many live watches a person has, in all and by one watcher (for the caps). */
  countLive(subjectId: string, watcherAccountId: string): Promise<{ total: number; byWatcher: number }>;
  /** Marks a watch deleted, with an optional feed notice for the watcher, atomically. */
  remove(watch: WatchRow, by: 'watcher' | 'subject', now: number, notice: AlertRow | null, log: LogEntryInput | null): Promise<boolean>;
}

export interface AlertsRepo {
  listForWatcher(accountId: string, q: { unacked?: boolean; before?: { at: number; id: string }; limit: number }): Promise<AlertRow[]>;
  get(accountId: string, id: string): Promise<AlertRow | undefined>;
  ack(accountId: string, id: string, now: number): Promise<AlertRow | undefined>;
  /** Matches still unacknowledged at their escalation time, oldest first. */
  dueForEscalation(now: number, limit: number): Promise<AlertRow[]>;
  /**
   * Marks a match escalated and stores the colleagues' copies and the person's log entry, in one
   * transaction; an alert acknowledged or escalated meanwhile is left alone.
   * @returns whether this call escalated it
   */
  escalate(alert: AlertRow, now: number, copies: AlertRow[], log: LogEntryInput | null): Promise<boolean>;
}

export interface WebhooksRepo {
  put(row: WebhookRow): Promise<void>;
  get(organisationId: string): Promise<WebhookRow | undefined>;
  delete(organisationId: string): Promise<boolean>;
  /**
   * Claims pending deliveries due now, oldest first: each is leased (its next attempt moved to
   * `now + leaseMs`), so another worker, in this process or another instance, does not take it
   * while this one delivers. A worker that dies mid-delivery leaves it due again after the lease.
   */
  claim(now: number, limit: number, leaseMs: number): Promise<DeliveryRow[]>;
  getAlert(alertId: string): Promise<AlertRow | undefined>;
  settle(id: string, outcome: { status: DeliveryRow['status']; attempts: number; nextAttemptAt: number; lastError: string | null; deliveredAt: number | null }): Promise<void>;
  listDeliveries(organisationId: string, limit: number): Promise<DeliveryRow[]>;
  listAll(): Promise<WebhookRow[]>;
}

export interface OrganisationsRepo {
  create(row: OrganisationRow): Promise<void>;
  get(id: string): Promise<OrganisationRow | undefined>;
  list(): Promise<OrganisationRow[]>;
}

export interface GrantsRepo {
  /** Stores a grant and its access-log entry in one transaction. */
  create(row: GrantRow, log: LogEntryInput): Promise<void>;
  get(subjectId: string, id: string): Promise<GrantRow | undefined>;
  /** A grant by id alone (for its grantee, who may not know whose it is). */
  find(id: string): Promise<GrantRow | undefined>;
  listForSubject(subjectId: string, q: { status?: GrantStatus; now: number; after?: CreatedPosition; limit: number }): Promise<GrantRow[]>;
  /**
   * Grants that reach a holder: made to it directly, or to its organisation for its kind.
   * Aggregate grants are left out: who consented to outcome reporting is not listed person by person.
   */
  listForGrantee(holder: Holder, q: { status?: GrantStatus; subjectId?: string; now: number; after?: CreatedPosition; limit: number }): Promise<GrantRow[]>;
  /** Active (unrevoked, unexpired) grants on one person that reach a holder (see {@link Holder}). */
  activeFor(subjectId: string, holder: Holder, now: number): Promise<GrantRow[]>;
  /** Active grants whose expiry falls in [from, to), oldest expiry first (for expiry notices). */
  expiringBetween(from: number, to: number, limit: number, after?: { expiresAt: number; id: string }): Promise<GrantRow[]>;
  /** People with an active organisation grant that reaches accounts of this kind, with those grants' ids. */
  activeForOrganisation(organisationId: string, kind: AccountKind, now: number): Promise<{ subjectId: string; grantIds: string[] }[]>;
  /**
   * Active aggregate (outcome-reporting) grants to an organisation that reach accounts of this
   * kind, ordered by person: the cohort an outcomes query counts.
   */
  aggregateFor(organisationId: string, kind: AccountKind, now: number): Promise<GrantRow[]>;
  /**
   * Revokes a grant and logs it, atomically.
   * @returns the grant after the call, or undefined when the person has no such grant
   */
  revoke(subjectId: string, id: string, now: number, receipt: string, log: LogEntryInput): Promise<GrantRow | undefined>;
  /**
   * Sets whether the grantee sees the person's name, and logs it, atomically.
   * @returns the grant after the call, or undefined when the person has no such grant
   */
  setShareName(subjectId: string, id: string, change: { shareName: boolean; integrity: string }, log: LogEntryInput): Promise<GrantRow | undefined>;
}

export interface InviteRow {
  /** SHA-256 of the normalised code; the code itself is never stored. */
  codeHash: string;
  id: string;
  subjectId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  usedByAccountId: string | null;
}

export interface InvitesRepo {
  create(row: InviteRow): Promise<void>;
  /**
   * Spends an unexpired, unused invite, atomically (a code works once).
   * @returns the person it was made by, or undefined when there is no such usable code
   */
  redeem(codeHash: string, accountId: string, now: number): Promise<string | undefined>;
}

export interface AccessRequestsRepo {
  create(row: AccessRequestRow): Promise<void>;
  /** Requests an account sent, newest first. */
  listForRequester(accountId: string, q: { after?: CreatedPosition; limit: number }): Promise<AccessRequestRow[]>;
  get(subjectId: string, id: string): Promise<AccessRequestRow | undefined>;
  listForSubject(subjectId: string, q: { status?: AccessRequestRow['status']; after?: CreatedPosition; limit: number }): Promise<AccessRequestRow[]>;
  /** Marks a pending request approved and stores its grant and log entry, atomically. */
  approve(request: AccessRequestRow, grant: GrantRow, log: LogEntryInput): Promise<'approved' | 'not-pending'>;
  deny(request: AccessRequestRow, now: number, log: LogEntryInput): Promise<'denied' | 'not-pending'>;
}

export interface AccessLogRepo {
  /** Appends to the person's chain (hashes computed inside the transaction). */
  append(entry: LogEntryInput): Promise<LogEntryRow>;
  list(subjectId: string, filter: LogFilter): Promise<LogEntryRow[]>;
  /** @returns every person with a chain (erased people included: their tombstones stay) */
  subjectIds(): Promise<string[]>;
  /** @returns the `limit` most recently written entries, across all people */
  recent(limit: number): Promise<LogEntryRow[]>;
  /** @returns the last link of a person's chain, or undefined for an empty chain */
  head(subjectId: string): Promise<ChainHead | undefined>;
  addCheckpoint(row: CheckpointRow): Promise<void>;
  /** @returns a person's checkpoints, lowest seq first */
  checkpoints(subjectId: string): Promise<CheckpointRow[]>;
  latestCheckpoint(subjectId: string): Promise<CheckpointRow | undefined>;
  /**
   * The heads of chains that gained entries after a log position, reading at most `limit`
   * entries. Positions are the adapter's own increasing insertion order (rowid, a sequence).
   * @returns those heads and the position read to (unchanged when nothing was new)
   */
  advancedSince(position: number, limit: number): Promise<{ heads: ChainHead[]; position: number }>;
  /** @returns where the periodic signer got to before (the highest `through` stored), or 0 */
  signedThrough(): Promise<number>;
}

export interface IdempotencyRepo {
  get(accountId: string, key: string, now: number): Promise<IdempotencyRow | undefined>;
}

export interface AssertionsRepo {
  /**
   * Remembers a client assertion id until `expiresAt` (the assertion's exp plus the clock
   * tolerance verification allows). The id is checked before expired ids are pruned.
   * @returns false when the id was already seen (a replay)
   */
  remember(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
}

export interface ImportJobRow {
  id: string;
  subjectId: string;
  /** Who imported: the person, or a supporter under an append grant. */
  accountId: string;
  format: 'fhir' | 'omh' | 'csv';
  status: 'running' | 'completed' | 'failed';
  total: number;
  processed: number;
  added: number;
  skipped: number;
  /** What went wrong (entries named, values quoted), sealed with the person's data key. */
  sealedErrors: Uint8Array | null;
  createdAt: number;
  finishedAt: number | null;
}

/** An imported record and the keyed digest of the entry it came from. */
export interface ImportDigest {
  digest: string;
  recordId: string;
}

export interface ImportsRepo {
  createJob(row: ImportJobRow): Promise<void>;
  getJob(subjectId: string, id: string): Promise<ImportJobRow | undefined>;
  /** Records how many entries were checked so far. */
  progress(id: string, processed: number): Promise<void>;
  /** Marks a job failed, with its sealed errors, when nothing was stored. */
  fail(id: string, sealedErrors: Uint8Array, now: number): Promise<void>;
  /** @returns those of the digests the person's store already holds */
  known(subjectId: string, digests: string[]): Promise<string[]>;
  /**
   * Stores an import's new records, their digests, its series chunks (new ones, and merged ones
   * over the revision they were read at), their write effects, the access-log entry (supporters'
   * imports) and the job's completion, in one transaction.
   * @returns false, storing nothing, when one of the digests or chunks was stored meanwhile (a concurrent import)
   */
  store(
    job: { id: string; subjectId: string; added: number; skipped: number; now: number },
    rows: RecordRow[],
    digests: ImportDigest[],
    log: LogEntryInput | null,
    effects: WriteEffects,
    chunks: SeriesChunkRow[],
  ): Promise<boolean>;
}

export type BulkStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface BulkExportRow {
  id: string;
  organisationId: string;
  accountId: string;
  status: BulkStatus;
  request: string;
  types: string[];
  since: number | null;
  transactionTime: number;
  totalPeople: number;
  donePeople: number;
  error: string | null;
  finishedAt: number | null;
  expiresAt: number;
}

/** NDJSON lines of one person and one resource type, sealed with that person's data key. */
export interface BulkPartRow {
  exportId: string;
  resourceType: string;
  seq: number;
  subjectId: string;
  count: number;
  /** The grants the lines were read under. */
  grantIds: string[];
  payload: Uint8Array;
}

export interface BulkExportsRepo {
  create(row: BulkExportRow): Promise<void>;
  get(id: string): Promise<BulkExportRow | undefined>;
  /** Stores output parts, unless the export is no longer running. @returns whether they were stored */
  addParts(exportId: string, parts: BulkPartRow[]): Promise<boolean>;
  /**
   * Counts one person done, with their access-log entry, in one transaction, unless the export
   * is no longer running. @returns whether it was counted
   */
  finishPerson(exportId: string, log: LogEntryInput | null): Promise<boolean>;
  /** Ends a running export (completed or failed); a cancelled one stays cancelled. */
  finish(id: string, status: 'completed' | 'failed', error: string | null, now: number): Promise<void>;
  /** Cancels an export and deletes its output. @returns whether it existed and was not cancelled before */
  cancel(id: string, now: number): Promise<boolean>;
  /** A page of one resource type's parts, in order, after `afterSeq`. */
  parts(exportId: string, resourceType: string, afterSeq: number, limit: number): Promise<BulkPartRow[]>;
  /** Resources written per type so far. */
  counts(exportId: string): Promise<{ resourceType: string; count: number }[]>;
  /** Deletes exports (and output) past their expiry. @returns how many */
  expire(now: number): Promise<number>;
}

/** A window of a counter: hits since it began, when it ends and the last hit (epoch ms). */
export interface CounterWindow {
  count: number;
  resetAt: number;
  last: number;
}

/**
 * Counters in fixed windows, for rate and login limits. A window begins at the first hit after
 * the previous one ended. Shared by every instance on the database.
 */
export interface CountersRepo {
  /**
   * Counts one hit on each key, atomically per key.
   * @param options.slide a hit also pushes the window's end to at least `now + windowMs`
   * @returns each key's window after the hit
   */
  hit(keys: string[], windowMs: number, now: number, options?: { slide?: boolean }): Promise<CounterWindow[]>;
  /** @returns each key's live window, or null where it has none */
  peek(keys: string[], now: number): Promise<(CounterWindow | null)[]>;
  clear(key: string): Promise<void>;
}

/** What instances tell each other: a new alert, a data key to forget, keys file rewritten. */
export type EventChannel = 'alert' | 'data-key' | 'keys-file';

/**
 * Notifications between every process on this database (this one included). Delivery is
 * best-effort and after the publisher's commit: listeners re-read the database, so a missed
 * notice delays, never loses, what it announces.
 */
export interface EventsPort {
  publish(channel: EventChannel, payload: string): Promise<void>;
  /** @returns a function that unsubscribes */
  subscribe(channel: EventChannel, listener: (payload: string) => void): () => void;
}

export interface AccountsRepo {
  /** Creates a person: subject, wrapped data key and citizen account in one transaction. */
  createCitizen(account: AccountRow, key: WrappedKeyRow): Promise<void>;
  /**
   * Creates a non-citizen account, with the access-log entries that tell people whose
   * organisation grants now reach it, in one transaction.
   * @throws ConflictError when the handle is taken
   */
  create(account: AccountRow, logs?: LogEntryInput[]): Promise<void>;
  findByHandle(handle: string): Promise<AccountRow | undefined>;
  findById(id: string): Promise<AccountRow | undefined>;
  /** @returns the practitioner and client accounts of an organisation, disabled ones included */
  listForOrganisation(organisationId: string): Promise<AccountRow[]>;
  /** @returns the citizen account that owns a store */
  findBySubject(subjectId: string): Promise<AccountRow | undefined>;
  /**
   * Disables an account: its sessions end and every grant made to it directly is revoked, all
   * in one transaction (grants to its organisation stay with the organisation).
   * `logs` (entries telling people whose organisation grants reached the account) are written
   * in the same transaction.
   * @returns the grants revoked, so their people's logs can say so
   */
  disable(accountId: string, now: number, logs?: LogEntryInput[]): Promise<GrantRow[]>;
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
  /** Wrapped keys not under `currentKekId`, for re-wrapping after a rotation. */
  staleWrapped(currentKekId: string, limit: number): Promise<WrappedKeyRow[]>;
  /**
   * Replaces wrappings in one transaction; a row re-wrapped or erased meanwhile is left alone.
   * @returns how many rows changed
   */
  rewrap(rows: { from: WrappedKeyRow; to: WrappedKeyRow }[], now: number): Promise<number>;
  /** @returns the KEK ids any stored wrapping still needs */
  kekIdsInUse(): Promise<string[]>;
}

export interface SubjectsRepo {
  /**
   * Erases a person: first their wrapped data key is destroyed (crypto-shredding: copies of
   * their rows anywhere become unreadable), then their records, grants, requests, watches,
   * alerts, account, sessions, access-log entries and checkpoints. Their chain restarts with
   * only the tombstone, which holds no personal data, grant terms or organisation ids.
   */
  erase(subjectId: string, tombstone: LogEntryInput): Promise<void>;
}

export interface RecordsRepo {
  /** Stores a person's own records with their write effects, in one transaction. */
  insert(rows: RecordRow[], effects?: WriteEffects): Promise<void>;
  /** The latest record of a type at or before a moment, inside a scope (for change rules). */
  latestBefore(scope: Scope, type: string, effectiveAt: number, excludeIds: string[]): Promise<RecordRow | undefined>;
  /**
   * Stores appended records with their access-log entry and, when given, the idempotency key,
   * in one transaction.
   * @returns `stored`, or the existing key's row when another request stored it first
   */
  append(
    rows: RecordRow[],
    log: LogEntryInput,
    idempotency: IdempotencyRow | null,
    effects?: WriteEffects,
  ): Promise<{ stored: true } | { stored: false; existing: IdempotencyRow }>;
  /** Counts what a scope covers, by category and type, with the first and last effectiveAt. */
  summarise(scope: Scope): Promise<{ category: string; type: string; n: number; first: number; last: number }[]>;
  /** @returns the records with these ids that the person still has */
  getMany(subjectId: string, ids: string[]): Promise<RecordRow[]>;
  list(scope: Scope, query: RecordQuery): Promise<RecordRow[]>;
  get(scope: Scope, id: string): Promise<RecordRow | undefined>;
  /**
   * Whose record an id is, for reads addressed by the record alone (FHIR instance reads): the
   * caller's grants on that person then decide, as for any read.
   * @returns the person's subject id, or undefined when no record has the id
   */
  subjectOf(id: string): Promise<string | undefined>;
  /** Deletes one of a person's records and logs it. @returns whether it existed */
  delete(subjectId: string, id: string, log: LogEntryInput): Promise<boolean>;
}

/**
 * One sealed day of a dense measure (docs/performance.md "Dense series"): the readings of one
 * person, category, type and writer on one UTC day, at most one a second. The first and last
 * reading's times and the count are in clear, as a record's effectiveAt is, so slices select
 * chunks; the readings themselves are sealed and cut to a read's window once opened.
 */
export interface SeriesChunkRow {
  id: string;
  subjectId: string;
  category: string;
  type: string;
  /** The UTC day's first millisecond. */
  day: number;
  firstAt: number;
  lastAt: number;
  count: number;
  sourceKind: RecordRow['sourceKind'];
  sourceAccountId: string;
  sourceOrganisationId: string | null;
  createdAt: number;
  /** When readings last joined the chunk. */
  updatedAt: number;
  /** 0 for a new chunk; each merge stores revision + 1, and only over the revision it read. */
  revision: number;
  payload: Uint8Array;
}

/** Which day of which type and category a writer's readings fall on. */
export interface SeriesDay {
  category: string;
  type: string;
  day: number;
}

export interface SeriesRepo {
  /** A writer's chunks on these days (for merging an import into them). */
  ofWriter(subjectId: string, sourceAccountId: string, days: SeriesDay[]): Promise<SeriesChunkRow[]>;
  /**
   * Chunks that may hold readings the scope and query select: a window bound selects a chunk
   * whose first or last reading lies on its side. In (day, id) order, newest first unless
   * `order` is `asc`; `after` is a (day, id) position. The caller cuts the readings.
   */
  list(scope: Scope, query: RecordQuery): Promise<SeriesChunkRow[]>;
  /** A chunk by id, when the scope may hold some of its readings. */
  get(scope: Scope, id: string): Promise<SeriesChunkRow | undefined>;
  /** @returns the person's subject id, or undefined when no chunk has the id */
  subjectOf(id: string): Promise<string | undefined>;
  /** Deletes one of a person's chunks (a day of readings) and logs it. @returns whether it existed */
  delete(subjectId: string, id: string, log: LogEntryInput): Promise<boolean>;
}

/** Whose bespoke measure a definition is: an organisation's, or one person's own. */
export type TypeOwner = { organisationId: string } | { subjectId: string };

/** One version of a bespoke measure (docs/outcomes.md "Bespoke measures"). */
export interface TypeDefinitionRow {
  id: string;
  code: string;
  version: number;
  organisationId: string | null;
  subjectId: string | null;
  status: 'draft' | 'published';
  /** Organisation types: the definition as JSON. */
  definition: string | null;
  /** A person's own types: the definition sealed with their data key. */
  sealedDefinition: Uint8Array | null;
  createdBy: string;
  createdAt: number;
  publishedAt: number | null;
}

export interface TypeDefinitionsRepo {
  /**
   * Stores a draft, atomically: it replaces the owner's current draft of the code, or else
   * becomes the version after the latest published one.
   * @returns the stored row, or `taken` when another organisation owns an organisation code
   */
  saveDraft(owner: TypeOwner, row: Omit<TypeDefinitionRow, 'id' | 'version' | 'status' | 'publishedAt' | 'organisationId' | 'subjectId'>, id: string): Promise<TypeDefinitionRow | 'taken'>;
  /** Freezes the owner's draft of a code. @returns the published row, or undefined when there is no draft */
  publish(owner: TypeOwner, code: string, now: number): Promise<TypeDefinitionRow | undefined>;
  /** Every version of an owner's types, drafts too, by code then version. */
  listForOwner(owner: TypeOwner): Promise<TypeDefinitionRow[]>;
  /** Every published version of every organisation's types. */
  publishedOrganisationTypes(): Promise<TypeDefinitionRow[]>;
}

/** The kinds of row that carry a MAC. */
export type MacTable = 'accounts' | 'sessions' | 'grants' | 'delegations';

/** For making MACs anew: after a KEK rotation, and once for rows from before MACs existed. */
export interface IntegrityRepo {
  /**
   * Live rows (accounts not disabled, sessions and grants neither revoked nor expired) whose MAC
   * is not under `kekId`; with `missing`, those with no MAC at all too. At most `limit` of each.
   */
  stale(
    kekId: string,
    now: number,
    limit: number,
    missing: boolean,
  ): Promise<{ accounts: AccountRow[]; sessions: SessionRow[]; grants: GrantRow[]; delegations: DelegationRow[] }>;
  /** Replaces MACs, each only if it is still `from`. @returns how many changed */
  replace(moves: { table: MacTable; id: string; from: string | null; to: string }[]): Promise<number>;
  /** Whether MACs were made for the rows that existed before them (done once, on first start). */
  backfilled(): Promise<boolean>;
  markBackfilled(now: number): Promise<void>;
}

export interface Storage {
  accounts: AccountsRepo;
  sessions: SessionsRepo;
  keys: KeysRepo;
  records: RecordsRepo;
  series: SeriesRepo;
  organisations: OrganisationsRepo;
  grants: GrantsRepo;
  accessRequests: AccessRequestsRepo;
  invites: InvitesRepo;
  accessLog: AccessLogRepo;
  idempotency: IdempotencyRepo;
  assertions: AssertionsRepo;
  watches: WatchesRepo;
  alerts: AlertsRepo;
  webhooks: WebhooksRepo;
  subjects: SubjectsRepo;
  counters: CountersRepo;
  events: EventsPort;
  /**
   * What this adapter keeps in one process only; the server refuses to start with
   * TESSERA_INSTANCES > 1 unless this is empty.
   */
  readonly processLocal: readonly string[];
  integrity: IntegrityRepo;
  imports: ImportsRepo;
  bulkExports: BulkExportsRepo;
  delegations: DelegationsRepo;
  notifications: NotificationsRepo;
  referrals: ReferralsRepo;
  emergency: EmergencyRepo;
  typeDefinitions: TypeDefinitionsRepo;
  disputes: DisputesRepo;
  /** Checks the database answers (readiness). */
  ping(): Promise<void>;
  /** Closes the database (SQLite folds its WAL into the main file first). */
  close(): Promise<void>;
}
