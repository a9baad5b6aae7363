import { summariseSeries } from '../series/summary.js';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import { createdAfter, pageByCreation } from '../../core/cursor.js';
import type { Deps } from '../../core/deps.js';
import { iso, isoOrNull } from '../../core/time.js';
import { openField, sealField } from '../../crypto/envelope.js';
import { signReceipt } from '../../crypto/jws.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { GrantMembers, GrantRow, GrantStatus } from '../../storage/contract.js';
import { defaultMembers } from '../../core/holdings.js';
import { headClaim, type HeadClaim } from '../access-log/checkpoints.js';
import { logEntry } from '../access-log/entry.js';
import { describeSupporter } from '../../core/supporters.js';
import type { GrantInput, GrantView, Preview } from './schemas.js';
import { sliceOf } from '../../core/slice.js';
import { defaultShareName, sharedName } from './names.js';
import { checkTerms, type Terms } from './terms.js';
import { checkGrant, macOf, signedGrant } from '../../core/integrity.js';

export function grantStatus(g: GrantRow, now: number): GrantStatus {
  if (g.revokedAt !== null) return 'revoked';
  return g.expiresAt > now ? 'active' : 'expired';
}

/** The field name a grant's free-text purpose is sealed under (an emergency access's reason too). */
export function purposeField(grantId: string): string {
  return `grant:${grantId}:purposeText`;
}

/**
 * The receipt's claims: terms only, never free text, plus the head of the person's access-log
 * chain when it was signed (`logHead`), so every receipt also anchors the chain.
 */
function receiptClaims(g: GrantRow, logHead: HeadClaim | null, revokedAt?: number): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    grantId: g.id,
    subjectId: g.subjectId,
    grantee: g.granteeAccountId ? { accountId: g.granteeAccountId } : { organisationId: g.granteeOrganisationId },
    members: g.members,
    access: g.access,
    categories: g.categories,
    types: g.types,
    from: isoOrNull(g.fromAt),
    to: isoOrNull(g.toAt),
    purpose: g.purpose,
    expiresAt: iso(g.expiresAt),
    createdAt: iso(g.createdAt),
    logHead,
  };
  if (revokedAt !== undefined) claims.revokedAt = iso(revokedAt);
  return claims;
}

/** Who a grant is to: one account, or an organisation and which of its accounts. */
export interface Grantee {
  accountId: string | null;
  organisationId: string | null;
  members: GrantMembers | null;
}

/**
 * Checks that a grantee exists and may hold grants (a practitioner or client that is not
 * disabled, or an organisation), and settles `members` for organisation grants.
 * @throws ValidationError naming `grantee.accountId`, `grantee.organisationId` or `members`
 */
export async function checkGrantee(deps: Deps, input: Pick<GrantInput, 'grantee' | 'members' | 'access'>): Promise<Grantee> {
  const { grantee } = input;
  if ('accountId' in grantee && input.access === 'aggregate') {
    throw ValidationError.body('grantee.accountId', 'aggregate access is given to an organisation, not to one account');
  }
  if ('accountId' in grantee) {
    if (input.members !== undefined) throw ValidationError.body('members', 'applies only to grants to an organisation');
    const a = await deps.storage.accounts.findById(grantee.accountId);
    if (!a || (a.kind !== 'practitioner' && a.kind !== 'client') || a.disabledAt !== null) {
      throw ValidationError.body('grantee.accountId', 'is not an active practitioner or client account');
    }
    return { accountId: a.id, organisationId: null, members: null };
  }
  if (!(await deps.storage.organisations.get(grantee.organisationId))) {
    throw ValidationError.body('grantee.organisationId', 'is not a known organisation');
  }
  return { accountId: null, organisationId: grantee.organisationId, members: input.members ?? defaultMembers(input.access) };
}

/**
 * Builds a grant row with its signed receipt, for a person's data key `dek`.
 * Shared by direct grants and approved access requests.
 */
export async function newGrant(
  deps: Deps,
  subjectId: string,
  dek: Uint8Array,
  grantee: Grantee,
  terms: Terms,
  now: number,
  requestId: string | null,
  shareName: boolean,
): Promise<GrantRow> {
  const id = randomUUID();
  const row: GrantRow = {
    id,
    subjectId,
    granteeAccountId: grantee.accountId,
    granteeOrganisationId: grantee.organisationId,
    members: grantee.members,
    access: terms.access,
    categories: terms.categories,
    types: terms.types,
    fromAt: terms.fromAt,
    toAt: terms.toAt,
    purpose: terms.purpose,
    sealedPurposeText: terms.purposeText ? sealField(dek, subjectId, purposeField(id), terms.purposeText) : null,
    expiresAt: terms.expiresAt,
    createdAt: now,
    revokedAt: null,
    revokedReason: null,
    requestId,
    receipt: '',
    revocationReceipt: null,
    shareName,
    integrity: null,
  };
  row.receipt = await signReceipt(deps.keyring, deps.config.publicUrl, receiptClaims(row, await headClaim(deps, subjectId)));
  return signedGrant(deps.keyring, row);
}

/** The answer form of a grant; the purpose text is opened with the person's key. */
export async function toGrantView(deps: Deps, g: GrantRow, now: number): Promise<GrantView> {
  const purposeText = g.sealedPurposeText
    ? openField(await deps.dataKeys.forSubject(g.subjectId), g.subjectId, purposeField(g.id), g.sealedPurposeText)
    : null;
  const view: GrantView = {
    id: g.id,
    subjectId: g.subjectId,
    grantee: g.granteeAccountId ? { accountId: g.granteeAccountId } : { organisationId: g.granteeOrganisationId! },
    granteeName: await describeSupporter(deps, g.granteeAccountId, g.granteeOrganisationId),
    members: g.members,
    access: g.access,
    categories: g.categories,
    types: g.types,
    from: isoOrNull(g.fromAt),
    to: isoOrNull(g.toAt),
    purpose: g.purpose,
    purposeText,
    expiresAt: iso(g.expiresAt),
    createdAt: iso(g.createdAt),
    revokedAt: isoOrNull(g.revokedAt),
    status: grantStatus(g, now),
    requestId: g.requestId,
    receipt: g.receipt,
    shareName: g.shareName,
  };
  if (g.revocationReceipt) view.revocationReceipt = g.revocationReceipt;
  return view;
}

function termsLog(t: Terms, grantee: Grantee): Record<string, unknown> {
  return {
    grantee,
    access: t.access,
    categories: t.categories,
    types: t.types,
    from: isoOrNull(t.fromAt),
    to: isoOrNull(t.toAt),
    purpose: t.purpose,
    expiresAt: iso(t.expiresAt),
  };
}

/** A citizen grants a supporter a slice of their own store. */
export async function createGrant(deps: Deps, actor: Actor, subjectId: string, input: GrantInput): Promise<GrantView> {
  const now = deps.clock.now();
  const terms = checkTerms(deps, input, now, await deps.catalogueOf(subjectId, input.types ?? []));
  const grantee = await checkGrantee(deps, input);
  const dek = await deps.dataKeys.forSubject(subjectId);
  const row = await newGrant(deps, subjectId, dek, grantee, terms, now, null, input.shareName ?? defaultShareName(terms.purpose));
  await deps.storage.grants.create(
    row,
    logEntry(actor, subjectId, 'grant.create', now, { grantIds: [row.id], query: { ...termsLog(terms, grantee), shareName: row.shareName } }),
  );
  return toGrantView(deps, row, now);
}

/** The person changes whether a grantee sees their name; the next request of the grantee obeys. */
export async function setGrantShareName(deps: Deps, actor: Actor, subjectId: string, id: string, shareName: boolean): Promise<GrantView> {
  const now = deps.clock.now();
  const current = await deps.storage.grants.get(subjectId, id);
  if (!current) throw new NotFoundError('No such grant');
  // The MAC covers shareName (core/integrity.ts): check the stored grant, then sign the change.
  checkGrant(deps.keyring, current);
  const change = { shareName, integrity: macOf.grant(deps.keyring, { ...current, shareName }) };
  const updated = await deps.storage.grants.setShareName(subjectId, id, change, logEntry(actor, subjectId, 'grant.update', now, { grantIds: [id], query: { shareName } }));
  if (!updated) throw new NotFoundError('No such grant');
  return toGrantView(deps, updated, now);
}

/** What a grant with these terms would expose now, creating nothing. */
export async function previewGrant(deps: Deps, subjectId: string, input: GrantInput): Promise<Preview> {
  const now = deps.clock.now();
  const terms = checkTerms(deps, input, now, await deps.catalogueOf(subjectId, input.types ?? []));
  await checkGrantee(deps, input);
  const scope = { subjectId, slices: [sliceOf(terms)] };
  // Dense series count by reading, as records do by row (docs/performance.md "Dense series").
  const groups = [...(await deps.storage.records.summarise(scope)), ...(await summariseSeries(deps, scope))];
  const preview: Preview = { total: 0, byCategory: {}, byType: {}, first: null, last: null };
  let first = Infinity;
  let last = -Infinity;
  for (const g of groups) {
    preview.total += g.n;
    preview.byCategory[g.category] = (preview.byCategory[g.category] ?? 0) + g.n;
    preview.byType[g.type] = (preview.byType[g.type] ?? 0) + g.n;
    first = Math.min(first, g.first);
    last = Math.max(last, g.last);
  }
  if (preview.total > 0) {
    preview.first = iso(first);
    preview.last = iso(last);
  }
  return preview;
}

export async function listOwnGrants(
  deps: Deps,
  subjectId: string,
  q: { status?: GrantStatus; cursor?: string; limit?: number },
): Promise<{ items: GrantView[]; nextCursor: string | null }> {
  const now = deps.clock.now();
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.grants.listForSubject(subjectId, { now, limit: limit + 1, ...(q.status ? { status: q.status } : {}), ...(after ? { after } : {}) });
  const { page: p, nextCursor } = pageByCreation(rows, limit);
  return { items: await Promise.all(p.map((g) => toGrantView(deps, g, now))), nextCursor };
}

export async function getOwnGrant(deps: Deps, subjectId: string, id: string): Promise<GrantView> {
  const g = await deps.storage.grants.get(subjectId, id);
  if (!g) throw new NotFoundError('No such grant');
  return toGrantView(deps, g, deps.clock.now());
}

/**
 * Revokes a grant; effective for every request that starts after this returns. Revoking twice
 * answers the first revocation again.
 */
export async function revokeGrant(deps: Deps, actor: Actor, subjectId: string, id: string): Promise<GrantView> {
  const now = deps.clock.now();
  const current = await deps.storage.grants.get(subjectId, id);
  if (!current) throw new NotFoundError('No such grant');
  if (current.revokedAt !== null) return toGrantView(deps, current, now);
  const receipt = await signReceipt(deps.keyring, deps.config.publicUrl, receiptClaims(current, await headClaim(deps, subjectId), now));
  const revoked = await deps.storage.grants.revoke(subjectId, id, now, receipt, logEntry(actor, subjectId, 'grant.revoke', now, { grantIds: [id] }));
  if (!revoked) throw new NotFoundError('No such grant');
  return toGrantView(deps, revoked, now);
}

/** A supporter's caseload: grants made to it or to its organisation. */
export async function listGranteeGrants(
  deps: Deps,
  actor: Actor,
  q: { status?: GrantStatus; subjectId?: string; cursor?: string; limit?: number },
): Promise<{ items: GrantView[]; nextCursor: string | null }> {
  const now = deps.clock.now();
  const limit = q.limit ?? 50;
  const after = createdAfter(q.cursor);
  const rows = await deps.storage.grants.listForGrantee(actor, {
    now,
    limit: limit + 1,
    status: q.status ?? 'active',
    ...(q.subjectId ? { subjectId: q.subjectId } : {}),
    ...(after ? { after } : {}),
  });
  const { page: p, nextCursor } = pageByCreation(rows, limit);
  // The caseload names each person who shares their name with this supporter (names.ts).
  const items = await Promise.all(p.map(async (g) => ({ ...(await toGrantView(deps, g, now)), subjectName: await sharedName(deps, g.subjectId, p, now) })));
  return { items, nextCursor };
}
