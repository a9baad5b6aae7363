import type { AccessRequestRow, AccountRow, AlertRow, DisputeRow, GrantRow, LogEntryRow, RecordRow, WatchRow } from './contract.js';

/**
 * Row mappings shared by both adapters: their tables have the same columns (lists as JSON
 * text, times as epoch ms, sealed bytes as Buffers), so a contract row maps to and from either
 * the same way (docs/architecture.md "The storage port").
 */

/** @returns the bytes as a Buffer over the same memory (what both drivers bind) */
export function toBuffer(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** @returns a driver's Buffer as a plain view over the same memory */
export function fromBuffer(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const bytesOrNull = (b: Uint8Array | null) => (b ? Buffer.from(b) : null);
const viewOrNull = (b: Buffer | null) => (b ? new Uint8Array(b) : null);
const listOrNull = (t: string | null) => (t ? (JSON.parse(t) as string[]) : null);

type Stored<T, Lists extends keyof T, Bytes extends keyof T> = Omit<T, Lists | Bytes> & { [K in Lists]: null extends T[K] ? string | null : string } & {
  [K in Bytes]: null extends T[K] ? Buffer | null : Buffer;
};

export type StoredGrant = Stored<GrantRow, 'categories' | 'types', 'sealedPurposeText'>;

export function toStoredGrant(g: GrantRow): StoredGrant {
  return { ...g, categories: JSON.stringify(g.categories), types: g.types ? JSON.stringify(g.types) : null, sealedPurposeText: bytesOrNull(g.sealedPurposeText) };
}

export function fromStoredGrant(r: StoredGrant): GrantRow {
  return { ...r, categories: JSON.parse(r.categories) as string[], types: listOrNull(r.types), sealedPurposeText: viewOrNull(r.sealedPurposeText) };
}

export type StoredRequest = Stored<AccessRequestRow, 'categories' | 'types', 'sealedPurposeText'>;

export function toStoredRequest(r: AccessRequestRow): StoredRequest {
  return { ...r, categories: JSON.stringify(r.categories), types: r.types ? JSON.stringify(r.types) : null, sealedPurposeText: bytesOrNull(r.sealedPurposeText) };
}

export function fromStoredRequest(r: StoredRequest): AccessRequestRow {
  return { ...r, categories: JSON.parse(r.categories) as string[], types: listOrNull(r.types), sealedPurposeText: viewOrNull(r.sealedPurposeText) };
}

export type StoredAccount = Stored<AccountRow, never, 'sealedDisplayName'>;

export function toStoredAccount(a: AccountRow): StoredAccount {
  return { ...a, sealedDisplayName: bytesOrNull(a.sealedDisplayName) };
}

export function fromStoredAccount(row: StoredAccount | undefined): AccountRow | undefined {
  return row ? { ...row, sealedDisplayName: viewOrNull(row.sealedDisplayName) } : undefined;
}

export type StoredAlert = Stored<AlertRow, never, 'sealedMatched'>;

export function toStoredAlert(a: AlertRow): StoredAlert {
  return { ...a, sealedMatched: bytesOrNull(a.sealedMatched) };
}

export function fromStoredAlert(a: StoredAlert): AlertRow {
  return { ...a, sealedMatched: viewOrNull(a.sealedMatched) };
}

export function fromStoredWatch(w: Omit<WatchRow, 'deletedBy'> & { deletedBy: string | null }): WatchRow {
  return { ...w, deletedBy: w.deletedBy as WatchRow['deletedBy'] };
}

export type StoredRecord = Omit<RecordRow, 'payload'> & { payload: Buffer };

export function fromStoredRecord(r: StoredRecord): RecordRow {
  return { ...r, payload: fromBuffer(r.payload) };
}

/** An access-log row as both tables hold it (lists and query as JSON text). */
export interface StoredLogEntry {
  id: string;
  subjectId: string;
  seq: number;
  at: number;
  actorAccountId: string | null;
  actorOrganisationId: string | null;
  actorKind: string;
  onBehalfOf: string | null;
  action: string;
  grantIds: string;
  recordIds: string;
  query: string;
  prevHash: string | null;
  hash: string;
}

export function toStoredLog(row: LogEntryRow): StoredLogEntry {
  return {
    id: row.id,
    subjectId: row.subjectId,
    seq: row.seq,
    at: row.at,
    actorAccountId: row.actor.accountId,
    actorOrganisationId: row.actor.organisationId,
    actorKind: row.actor.kind,
    onBehalfOf: row.onBehalfOf?.accountId ?? null,
    action: row.action,
    grantIds: JSON.stringify(row.grantIds),
    recordIds: JSON.stringify(row.recordIds),
    query: JSON.stringify(row.query),
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export function fromStoredLog(r: StoredLogEntry): LogEntryRow {
  return {
    id: r.id,
    subjectId: r.subjectId,
    seq: r.seq,
    at: r.at,
    actor: { accountId: r.actorAccountId, organisationId: r.actorOrganisationId, kind: r.actorKind },
    ...(r.onBehalfOf ? { onBehalfOf: { accountId: r.onBehalfOf } } : {}),
    action: r.action,
    grantIds: JSON.parse(r.grantIds) as string[],
    recordIds: JSON.parse(r.recordIds) as string[],
    query: JSON.parse(r.query) as Record<string, unknown>,
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

export type StoredDispute = Stored<DisputeRow, never, 'sealedStatement' | 'sealedNote'>;

export function fromStoredDispute(r: StoredDispute): DisputeRow {
  return { ...r, sealedStatement: new Uint8Array(r.sealedStatement), sealedNote: viewOrNull(r.sealedNote) };
}

/** The disputes table's columns in {@link disputeFromTuple}'s order, for hand-written statements. */
export const DISPUTE_COLUMNS =
  'id, subject_id, record_id, writer_account_id, writer_organisation_id, status, sealed_statement, created_at, resolved_at, resolved_by_account_id, sealed_note, replacement_record_id';

export type DisputeTuple = [string, string, string, string, string | null, DisputeRow['status'], Buffer, number, number | null, string | null, Buffer | null, string | null];

/** @returns a dispute from a row read as an array in {@link DISPUTE_COLUMNS} order */
export function disputeFromTuple(t: DisputeTuple): DisputeRow {
  return {
    id: t[0],
    subjectId: t[1],
    recordId: t[2],
    writerAccountId: t[3],
    writerOrganisationId: t[4],
    status: t[5],
    sealedStatement: new Uint8Array(t[6]),
    createdAt: t[7],
    resolvedAt: t[8],
    resolvedByAccountId: t[9],
    sealedNote: viewOrNull(t[10]),
    replacementRecordId: t[11],
  };
}

/** @returns each record's latest dispute, from disputes ordered newest first */
export function latestPerRecord(rows: DisputeRow[]): DisputeRow[] {
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.recordId) && seen.add(r.recordId));
}
