import { rowMac, rowMacHolds } from '../crypto/integrity.js';
import type { Keyring } from '../crypto/keyring.js';
import { IntegrityError } from '../errors.js';
import type { AccountRow, AuthRow, DelegationRow, GrantRow, SessionRow } from '../storage/contract.js';

/**
 * Which columns of each row the MACs bind (docs/security.md, "Integrity of stored rows"), and
 * the checks run where those rows decide access. Only live rows carry a MAC: disabling an
 * account or revoking a session or grant clears it in the same write.
 */

type Unsigned<T> = Omit<T, 'integrity'>;

const accountFields = (a: Unsigned<AccountRow>) => [a.id, a.kind, a.handle, a.passwordHash, a.displayName, a.subjectId, a.organisationId, a.role, a.jwks, a.createdAt];
type SessionTerms = Pick<SessionRow, 'id' | 'accountId' | 'createdAt' | 'expiresAt' | 'scope'>;
// A scope joins the MAC only when there is one, so sessions from before scopes keep their MACs;
// a scope widened or added in the database is then refused like any other edit.
const sessionFields = (s: SessionTerms) => (s.scope === null ? [s.id, s.accountId, s.createdAt, s.expiresAt] : [s.id, s.accountId, s.createdAt, s.expiresAt, s.scope]);
const grantFields = (g: Unsigned<GrantRow>) => [
  g.id,
  g.subjectId,
  g.granteeAccountId,
  g.granteeOrganisationId,
  g.members,
  g.access,
  g.categories,
  g.types,
  g.fromAt,
  g.toAt,
  g.purpose,
  g.expiresAt,
  g.createdAt,
  g.requestId,
  // Added after the first MACs were made: only a grant that shares the name carries the marker,
  // so earlier MACs (made when no grant could) still hold.
  ...(g.shareName ? ['share-name'] : []),
];

const delegationFields = (d: Unsigned<DelegationRow>) => [d.id, d.subjectId, d.personAccountId, d.delegateAccountId, d.powers, d.basis, d.expiresAt, d.createdAt];

export const macOf = {
  delegation: (keyring: Keyring, d: Unsigned<DelegationRow>) => rowMac(keyring, 'delegation', delegationFields(d)),
  account: (keyring: Keyring, a: Unsigned<AccountRow>) => rowMac(keyring, 'account', accountFields(a)),
  session: (keyring: Keyring, s: SessionTerms) => rowMac(keyring, 'session', sessionFields(s)),
  grant: (keyring: Keyring, g: Unsigned<GrantRow>) => rowMac(keyring, 'grant', grantFields(g)),
};

/** Whether a row's stored MAC (under whichever KEK it names) matches its columns. */
export const macHolds = {
  delegation: (keyring: Keyring, d: DelegationRow) => rowMacHolds(keyring, 'delegation', delegationFields(d), d.integrity),
  account: (keyring: Keyring, a: AccountRow) => rowMacHolds(keyring, 'account', accountFields(a), a.integrity),
  session: (keyring: Keyring, s: SessionRow) => rowMacHolds(keyring, 'session', sessionFields(s), s.integrity),
  grant: (keyring: Keyring, g: GrantRow) => rowMacHolds(keyring, 'grant', grantFields(g), g.integrity),
};

/** @returns the row with its MAC under the current KEK */
export function signedAccount(keyring: Keyring, a: Unsigned<AccountRow>): AccountRow {
  return { ...a, integrity: macOf.account(keyring, a) };
}

export function signedSession(keyring: Keyring, s: Unsigned<SessionRow>): SessionRow {
  return { ...s, integrity: macOf.session(keyring, s) };
}

export function signedGrant(keyring: Keyring, g: Unsigned<GrantRow>): GrantRow {
  return { ...g, integrity: macOf.grant(keyring, g) };
}

/** @throws IntegrityError when a live (not disabled) account's columns do not match its MAC */
export function checkAccount(keyring: Keyring, a: AccountRow): void {
  if (a.disabledAt === null && !rowMacHolds(keyring, 'account', accountFields(a), a.integrity)) {
    throw new IntegrityError('A stored account failed its integrity check; access was refused');
  }
}

/** @throws IntegrityError when a live session or its account does not match its MAC */
export function checkAuthRow(keyring: Keyring, row: AuthRow): void {
  const session = { id: row.sessionId, accountId: row.account.id, createdAt: row.sessionCreatedAt, expiresAt: row.sessionExpiresAt, scope: row.sessionScope };
  if (row.sessionRevokedAt === null && !rowMacHolds(keyring, 'session', sessionFields(session), row.sessionIntegrity)) {
    throw new IntegrityError('A stored session failed its integrity check; access was refused');
  }
  checkAccount(keyring, row.account);
}

/** @throws IntegrityError when a live (unrevoked) grant's terms do not match its MAC */
export function checkGrant(keyring: Keyring, g: GrantRow): void {
  if (g.revokedAt === null && !rowMacHolds(keyring, 'grant', grantFields(g), g.integrity)) {
    throw new IntegrityError('A stored grant failed its integrity check; access was refused');
  }
}

/** @throws IntegrityError when a live delegation's powers or terms do not match its MAC */
export function checkDelegation(keyring: Keyring, d: DelegationRow): void {
  if (d.revokedAt === null && !macHolds.delegation(keyring, d)) {
    throw new IntegrityError('A stored delegation failed its integrity check; access was refused');
  }
}
