import type { Deps } from '../../core/deps.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import { dateTimeProblem, parseInstant } from '../../core/time.js';
import { ValidationError, type FieldError } from '../../errors.js';
import type { GrantRow } from '../../storage/contract.js';
import type { TermsInput } from './schemas.js';

const DAY = 24 * 3600 * 1000;
export const DEFAULT_GRANT_DAYS = 90;
const MAX_GRANT_DAYS = 2 * 365 + 1;

/** Grant terms after checking: codes known, types inside categories, window and expiry sane. */
export interface Terms {
  access: GrantRow['access'];
  categories: string[];
  types: string[] | null;
  fromAt: number | null;
  toAt: number | null;
  purpose: string;
  purposeText: string | null;
  expiresAt: number;
}

/**
 * Checks the terms of a grant or an access request, against the catalogue as the person sees it
 * (their own measures included, for the grants they give).
 * @param prefix field-name prefix (e.g. `` for a body, `terms.` elsewhere)
 * @throws ValidationError naming each bad field
 */
export function checkTerms(deps: Deps, input: TermsInput, now: number, catalogue: Catalogue = deps.catalogue): Terms {
  const errors: FieldError[] = [];
  const err = (field: string, detail: string) => errors.push({ field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail });

  input.categories.forEach((c, i) => {
    if (!catalogue.category(c)) err(`categories.${i}`, catalogue.unknownCategory(c));
  });
  (input.types ?? []).forEach((t, i) => {
    const def = catalogue.type(t);
    if (!def) err(`types.${i}`, catalogue.unknownType(t));
    else if (!def.categories.some((c) => input.categories.includes(c))) {
      err(`types.${i}`, `type "${t}" is filed under ${def.categories.length > 1 ? `one of ${def.categories.join(', ')}` : `category "${def.category}"`}, none of which is granted`);
    }
  });

  const bound = (key: 'from' | 'to') => {
    const raw = input[key];
    if (raw === undefined) return null;
    const ms = parseInstant(raw, key === 'from' ? 'start' : 'end');
    if (ms === undefined) err(key, 'must be an RFC 3339 date-time (with a time zone, e.g. Z) or a date (YYYY-MM-DD)');
    return ms ?? null;
  };
  const fromAt = bound('from');
  const toAt = bound('to');
  if (fromAt !== null && toAt !== null && fromAt > toAt) err('to', 'must not be before from');

  let expiresAt = now + DEFAULT_GRANT_DAYS * DAY;
  if (input.expiresAt !== undefined) {
    const ms = parseInstant(input.expiresAt);
    if (ms === undefined) err('expiresAt', dateTimeProblem(input.expiresAt));
    else if (ms <= now) err('expiresAt', 'must be in the future');
    else if (ms > now + MAX_GRANT_DAYS * DAY) err('expiresAt', 'must be at most 2 years from now');
    else expiresAt = ms;
  }

  // Emergency grants are made only by break-glass access under the person's policy.
  if (input.purpose === 'emergency') err('purpose', 'is set only by emergency access under your emergency policy; choose another purpose');
  const purposeText = input.purposeText?.trim() || null;
  if (input.purpose === 'other' && !purposeText) err('purposeText', 'is required when purpose is "other"');
  // Outcome-reporting consent and the aggregate access are one thing (docs/outcomes.md): neither without the other.
  if (input.access === 'aggregate' && input.purpose !== 'outcome-reporting') err('purpose', 'must be "outcome-reporting" for aggregate access');
  if (input.access !== 'aggregate' && input.purpose === 'outcome-reporting') err('access', 'must be "aggregate" for outcome reporting: it never reads records');

  if (errors.length) throw new ValidationError(errors);
  return {
    access: input.access,
    categories: input.categories,
    types: input.types ?? null,
    fromAt,
    toAt,
    purpose: input.purpose,
    purposeText,
    expiresAt,
  };
}
