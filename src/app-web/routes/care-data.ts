import type { Actor } from '../../core/actor.js';
import { subjectOf } from '../../core/actor.js';
import type { Deps } from '../../core/deps.js';
import type { FieldError } from '../../errors.js';
import { supporterProfile } from '../../core/supporters.js';
import { listDelegates } from '../../features/delegates/service.js';
import type { DelegationView } from '../../features/delegates/schemas.js';
import type { ReferralView } from '../../features/referrals/schemas.js';
import { listReferralsForPerson } from '../../features/referrals/service.js';
import { messages } from '../messages.js';
import type { EmergencyData, EmergencyErrors } from '../pages/emergency.js';
import { emergencyData } from './emergency.js';
import type { FormBody } from '../render.js';
import { dateWords, powersWords, purposeClause, supporterWords, termsWords } from '../views/words.js';

const r = messages.referrals;
const d = messages.delegates;

/** Confirmations the sharing page shows after the care team's forms. */
export const careNotices: Record<string, string> = {
  'referral-denied': r.denied,
  'delegate-named': d.named,
  'delegate-ended': d.endedNotice,
  'emergency-saved': messages.emergency.saved,
  'emergency-removed': messages.emergency.removed,
  'emergency-flagged': messages.emergency.flaggedNotice,
};

/** A referral or delegation as the person reads it. */
export interface CareLine<T> {
  item: T;
  who: string;
  sentence: string;
}

export interface CareData {
  referrals: CareLine<ReferralView>[];
  emergency: EmergencyData;
  /** Null while a delegate acts: delegates are never theirs to see or change. */
  delegates: { active: CareLine<DelegationView>[]; ended: CareLine<DelegationView>[] } | null;
}

/** Errors of the care forms on the sharing page, and what was typed into them. */
export interface CareErrors {
  referral?: { id: string; errors: FieldError[] };
  delegate?: { values: FormBody; errors: FieldError[] };
  emergency?: EmergencyErrors;
}

/** @returns the delegation's terms in words: "Bea may read your records, with your consent, until 1 March 2027" */
export function delegationWords(v: DelegationView): string {
  const who = v.delegate.name ?? messages.log.someone;
  const powers = powersWords(v.powers, d.powerShort);
  const ended = v.status === 'active' ? '' : d.ended(v.status, dateWords(v.revokedAt ?? v.expiresAt));
  return `${d.sentence(who, powers, d.bases[v.basis] ?? v.basis, messages.words.until(dateWords(v.expiresAt)))}${ended}`;
}

/**
 * The sharing page's care-team sections, from the services behind GET /v1/me/referrals and
 * GET /v1/me/delegates (the latter only for the person themselves: never delegable).
 */
export async function careData(deps: Deps, actor: Actor): Promise<CareData> {
  const subjectId = subjectOf(actor);
  const { catalogue } = deps;
  const pending = await listReferralsForPerson(deps, subjectId, { status: 'pending', limit: 50 });
  const referrals = await Promise.all(
    pending.items.map(async (item) => {
      const who = supporterWords(await supporterProfile(deps, item.referrer.accountId, item.referrer.organisationId));
      const to = supporterWords(await supporterProfile(deps, item.referTo.accountId, item.referTo.organisationId));
      const terms = { access: 'read', categories: item.categories, types: item.types, from: item.from, to: item.to, purpose: item.purpose, purposeText: null };
      return { item, who, sentence: `${r.personSentence(who, to, termsWords(catalogue, terms, 'can'))}, ${messages.words.until(dateWords(item.grantExpiresAt))}, ${purposeClause(terms)}.` };
    }),
  );
  const emergency = await emergencyData(deps, subjectId);
  if (actor.onBehalfOf) return { referrals, emergency, delegates: null };
  const all = (await listDelegates(deps, subjectId)).items.map((item) => ({ item, who: item.delegate.name ?? messages.log.someone, sentence: delegationWords(item) }));
  return { referrals, emergency, delegates: { active: all.filter((l) => l.item.status === 'active'), ended: all.filter((l) => l.item.status !== 'active') } };
}
