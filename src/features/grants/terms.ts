import type { Deps } from '../../core/deps.js';
import { parseInstant } from '../../core/time.js';
import { ValidationError, type FieldError } from '../../errors.js';
import type { TermsInput } from './schemas.js';

const DAY = 24 * 3600 * 1000;
export const DEFAULT_GRANT_DAYS = 90;
const MAX_GRANT_DAYS = 2 * 365 + 1;

/** Grant terms after checking: codes known, types inside categories, window and expiry sane. */
export interface Terms {
  access: 'read' | 'append';
  categories: string[];
  types: string[] | null;
  fromAt: number | null;
  toAt: number | null;
  purpose: string;
  purposeText: string | null;
  expiresAt: number;
}

/**
 * Checks the terms of a grant or an access request.
 * @param prefix field-name prefix (e.g. `` for a body, `terms.` elsewhere)
 * @throws ValidationError naming each bad field
 */
export function checkTerms(deps: Deps, input: TermsInput, now: number): Terms {
  const errors: FieldError[] = [];
  const err = (field: string, detail: string) => errors.push({ field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail });

  input.categories.forEach((c, i) => {
    if (!deps.catalogue.category(c)) err(`categories.${i}`, `unknown category "${c}"`);
  });
  (input.types ?? []).forEach((t, i) => {
    const def = deps.catalogue.type(t);
    if (!def) err(`types.${i}`, `unknown type "${t}"`);
    else if (!input.categories.includes(def.category)) err(`types.${i}`, `type "${t}" belongs to category "${def.category}", which is not granted`);
  });

  const bound = (key: 'from' | 'to') => {
    const raw = input[key];
    if (raw === undefined) return null;
    const ms = parseInstant(raw, key === 'from' ? 'start' : 'end');
    if (ms === undefined) err(key, 'must be an RFC 3339 date-time or a date (YYYY-MM-DD)');
    return ms ?? null;
  };
  const fromAt = bound('from');
  const toAt = bound('to');
  if (fromAt !== null && toAt !== null && fromAt > toAt) err('to', 'must not be before from');

  let expiresAt = now + DEFAULT_GRANT_DAYS * DAY;
  if (input.expiresAt !== undefined) {
    const ms = parseInstant(input.expiresAt);
    if (ms === undefined) err('expiresAt', 'must be an RFC 3339 date-time');
    else if (ms <= now) err('expiresAt', 'must be in the future');
    else if (ms > now + MAX_GRANT_DAYS * DAY) err('expiresAt', 'must be at most 2 years from now');
    else expiresAt = ms;
  }

  // Emergency grants are made only by break-glass access under the person's policy.
  if (input.purpose === 'emergency') err('purpose', 'is set only by emergency access under your emergency policy; choose another purpose');
  const purposeText = input.purposeText?.trim() || null;
  if (input.purpose === 'other' && !purposeText) err('purposeText', 'is required when purpose is "other"');

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
