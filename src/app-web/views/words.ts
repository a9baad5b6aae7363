import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { SupporterProfile } from '../../core/supporters.js';
import { powerCodes } from '../../features/delegates/schemas.js';
import { purposes } from '../../features/grants/purposes.js';
import { messages } from '../messages.js';

/** Plain words for codes and times, so pages read as sentences rather than data. */

const roleWords: Record<string, string> = {
  gp: 'GP',
  nurse: 'nurse',
  'link-worker': 'link worker',
  'social-worker': 'social worker',
  coach: 'coach',
  manager: 'manager',
  other: 'practitioner',
};

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** @returns "1 March 2026" (UTC) */
export function dateWords(at: string | number): string {
  return dateFormat.format(new Date(at));
}

/** @returns "1 Mar 2026, 10:00 UTC" */
export function dateTimeWords(at: string | number): string {
  return dateTimeFormat.format(new Date(at));
}

const units: [string, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

/** @returns "2 hours ago", "in 3 days", "just now" */
export function relativeWords(at: string | number, now: number): string {
  const diff = new Date(at).getTime() - now;
  for (const [unit, ms] of units) {
    const n = Math.floor(Math.abs(diff) / ms);
    if (n >= 1) return diff < 0 ? messages.words.ago(n, unit) : messages.words.in(n, unit);
  }
  return messages.words.justNow;
}

/** @returns "Sam, link worker at Riverside Social Prescribing" */
export function supporterWords(p: SupporterProfile): string {
  const role = p.role ? (roleWords[p.role] ?? p.role) : null;
  const who = [p.name, role].filter(Boolean).join(', ');
  if (who && p.organisation) return `${who} at ${p.organisation}`;
  return who || p.organisation || messages.log.someone;
}

/** @returns who in an organisation a grant to it reaches, as a clause after its name ('' for a grant to one account) */
export function membersWords(members: string | null | undefined): string {
  return members ? ` (${messages.members[members as keyof typeof messages.members] ?? members})` : '';
}

/** @returns "a, b and c" */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${messages.words.and} ${items[items.length - 1]}`;
}

/** @returns the category as the middle of a sentence: "mental wellbeing", "goals" (not "my goals") */
export function categoryWords(catalogue: Catalogue, code: string): string {
  return catalogue.category(code)?.label.toLowerCase().replace(/^my /, '') ?? code;
}

export function typeWords(catalogue: Catalogue, code: string): string {
  return catalogue.type(code)?.label ?? code;
}

export function purposeWords(code: string): string {
  return purposes.find((p) => p.code === code)?.label.toLowerCase() ?? code;
}

/** The terms of a grant or request, as the end of a sentence. */
export interface TermsLike {
  access: string;
  categories: string[];
  types: string[] | null;
  from: string | null;
  to: string | null;
  purpose: string;
  purposeText: string | null;
}

/** Who reads a sentence about terms: the person ("can read your …") or the supporter ("may read their …"). */
export type TermsVoice = 'can' | 'asks' | 'supporter';

/**
 * @returns "can read your mental wellbeing and goals records from 1 March 2026" (without whom,
 * expiry or purpose, which callers add)
 */
export function termsWords(catalogue: Catalogue, t: TermsLike, voice: TermsVoice): string {
  const w = messages.words;
  const append = t.access === 'append';
  const lead = voice === 'can' ? (append ? w.canAppend : w.canRead) : voice === 'asks' ? (append ? w.wantsAppend : w.wants) : append ? w.mayAppend : w.mayRead;
  const parts = [`${lead} ${listWords(t.categories.map((c) => categoryWords(catalogue, c)))} ${w.records}`];
  if (t.types) parts.push(w.onlyTypes(listWords(t.types.map((c) => typeWords(catalogue, c)))));
  if (t.from) parts.push(w.from(dateWords(t.from)));
  if (t.to) parts.push(w.upTo(dateWords(t.to)));
  return parts.join(' ');
}

/** @returns ", for social prescribing (to plan your support together)" */
export function purposeClause(t: TermsLike): string {
  return messages.words.forPurpose(purposeWords(t.purpose)) + (t.purposeText ? ` (${t.purposeText})` : '');
}

/** Delegation powers in their usual order, @returns "read their records and manage their sharing" */
export function powersWords(powers: readonly string[], words: Record<string, string>): string {
  return listWords(powerCodes.filter((p) => powers.includes(p)).map((p) => words[p] ?? p));
}
