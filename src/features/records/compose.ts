import { dateTimeProblem, parseInstant } from '../../core/time.js';
import { ValidationError, type FieldError } from '../../errors.js';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { MeasureDef, TypeDef } from '../catalogue/model.js';
import { scoreQuestionnaire, type ScoredAnswers } from '../catalogue/scoring.js';

/** A record body as posted (docs/api.md "Records"), after schema validation. */
export interface RecordInput {
  type: string;
  effectiveAt: string;
  category?: string;
  answers?: number[];
  value?: number | { systolic: number; diastolic: number };
  unit?: string;
  systolic?: number;
  diastolic?: number;
  text?: string;
  progress?: number;
  intensity?: number;
  rating?: number;
  organisationId?: string;
  status?: string;
  goalId?: string;
  detail?: Record<string, unknown>;
}

/** The sealed part of a record: everything but the metadata slices are selected by. */
export interface RecordContent extends Partial<ScoredAnswers> {
  value?: number;
  systolic?: number;
  diastolic?: number;
  unit?: string;
  /** What was entered, when it was converted to the canonical unit. */
  entered?: { value?: number; systolic?: number; diastolic?: number; unit: string };
  text?: string;
  progress?: number;
  intensity?: number;
  /** Feedback on support: "is this helping me?", 0–10. */
  rating?: number;
  /** Feedback on support: the organisation it is about. */
  organisationId?: string;
  status?: string;
  /** For a progress update: the id of the goal's first record (docs/outcomes.md "Goals"). */
  goalId?: string;
  /** A bespoke measure's version the record was scored by. */
  typeVersion?: number;
  detail?: Record<string, unknown>;
  /** For a record that amends a disputed one: the record it replaces. */
  replaces?: string;
}

export interface ComposedRecord {
  category: string;
  type: string;
  effectiveAt: number;
  content: RecordContent;
}

export const EARLIEST = Date.UTC(1900, 0, 1);
/** Readings may come from devices whose clocks run a little fast, but not days ahead. */
export const FUTURE_SLACK_MS = 24 * 3600 * 1000;

const fieldsByKind: Record<TypeDef['kind'], string[]> = {
  questionnaire: ['answers'],
  measure: ['value', 'unit', 'systolic', 'diastolic'],
  text: ['text', 'progress', 'intensity', 'rating', 'organisationId', 'status', 'goalId'],
};

function err(field: string, detail: string): FieldError {
  return { field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail };
}

/**
 * Checks a record body against the catalogue and computes what is stored: scores, bands and
 * flags for instruments, canonical units for measures.
 * @throws ValidationError naming every offending field
 */
export function composeRecord(catalogue: Catalogue, input: RecordInput, now: number): ComposedRecord {
  const errors: FieldError[] = [];
  const def = catalogue.type(input.type);
  if (!def) errors.push(err('type', catalogue.unknownType(input.type)));

  const category = input.category ?? def?.category;
  if (category !== undefined && !catalogue.category(category)) errors.push(err('category', catalogue.unknownCategory(category)));
  else if (def && category !== undefined && !def.categories.includes(category)) {
    errors.push(err('category', `"${def.code}" records may be filed only under ${def.categories.join(', ')} (got "${category}")`));
  }

  const effectiveAt = parseInstant(input.effectiveAt);
  if (effectiveAt === undefined) errors.push(err('effectiveAt', dateTimeProblem(input.effectiveAt)));
  else if (effectiveAt < EARLIEST) errors.push(err('effectiveAt', 'must not be before 1900'));
  else if (effectiveAt > now + FUTURE_SLACK_MS) errors.push(err('effectiveAt', 'must not be more than a day in the future'));

  // Without a known type the value fields cannot be checked; report what could be.
  if (!def) throw new ValidationError(errors);
  for (const [kind, fields] of Object.entries(fieldsByKind)) {
    if (kind === def.kind) continue;
    for (const f of fields) {
      if ((input as unknown as Record<string, unknown>)[f] !== undefined) errors.push(err(f, `is not used by ${def.kind} type "${def.code}"`));
    }
  }

  let content: RecordContent = {};
  if (def.kind === 'questionnaire') content = questionnaireContent(def, input, errors);
  else if (def.kind === 'measure') content = measureContent(def.measure!, input, errors);
  else content = textContent(def, input, errors);

  if (errors.length) throw new ValidationError(errors);
  if (def.version !== undefined) content.typeVersion = def.version;
  if (input.detail !== undefined) content.detail = input.detail;
  return { category: category!, type: def.code, effectiveAt: effectiveAt!, content };
}

function questionnaireContent(def: TypeDef, input: RecordInput, errors: FieldError[]): RecordContent {
  if (!input.answers) {
    errors.push(err('answers', `is required for ${def.code} (${def.questionnaire!.items.length} answers)`));
    return {};
  }
  const scored = scoreQuestionnaire(def.questionnaire!, input.answers);
  if (Array.isArray(scored)) {
    errors.push(...scored);
    return {};
  }
  return scored;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function measureContent(m: MeasureDef, input: RecordInput, errors: FieldError[]): RecordContent {
  const unitCode = input.unit ?? m.unit;
  const unit = m.units.find((u) => u.code === unitCode);
  if (!unit) {
    errors.push(err('unit', `"${unitCode}" does not convert to ${m.unit}; accepted: ${m.units.map((u) => u.code).join(', ')}`));
    return {};
  }
  const toCanonical = (v: number) => (unit.factor === 1 && !unit.offset ? v : round(v * unit.factor + (unit.offset ?? 0)));
  const converted = unit.code !== m.unit;

  // Component fields only belong to measures that have those components, and only once.
  const componentCodes = new Set((m.components ?? []).map((c) => c.code));
  for (const f of ['systolic', 'diastolic'] as const) {
    if (input[f] === undefined) continue;
    if (!componentCodes.has(f)) errors.push(err(f, `is not a component of this measure; send value`));
    else if (typeof input.value === 'object') errors.push(err(f, 'is already given inside value'));
  }

  if (m.components) {
    const given: Record<string, number | undefined> =
      typeof input.value === 'object' ? { ...input.value } : { systolic: input.systolic, diastolic: input.diastolic };
    if (typeof input.value === 'number') errors.push(err('value', `use ${m.components.map((c) => c.code).join(' and ')} instead`));
    const content: RecordContent = { unit: m.unit };
    const entered: NonNullable<RecordContent['entered']> = { unit: unit.code };
    for (const c of m.components) {
      const raw = given[c.code];
      if (raw === undefined) {
        errors.push(err(c.code, 'is required'));
        continue;
      }
      const v = toCanonical(raw);
      if (v < c.min || v > c.max) errors.push(err(c.code, `must be between ${c.min} and ${c.max} ${m.unit}`));
      (content as Record<string, number>)[c.code] = v;
      (entered as Record<string, number | string>)[c.code] = raw;
    }
    if (content.systolic !== undefined && content.diastolic !== undefined && content.diastolic >= content.systolic) {
      errors.push(err('diastolic', 'must be lower than systolic'));
    }
    if (converted) content.entered = entered;
    return content;
  }

  if (typeof input.value !== 'number') {
    errors.push(err('value', input.value === undefined ? 'is required' : 'must be a number'));
    return {};
  }
  const value = toCanonical(input.value);
  if (value < m.min || value > m.max) errors.push(err('value', `must be between ${m.min} and ${m.max} ${m.unit}`));
  const content: RecordContent = { value, unit: m.unit };
  if (converted) content.entered = { value: input.value, unit: unit.code };
  return content;
}

function textContent(def: TypeDef, input: RecordInput, errors: FieldError[]): RecordContent {
  const t = def.text!;
  const text = input.text;
  // A progress update of a goal may carry no words: the goal's first record holds them.
  const update = input.goalId !== undefined && t.series === true;
  if (input.goalId !== undefined && !t.series) errors.push(err('goalId', `is not used by "${def.code}"`));
  if (text === undefined || text.trim() === '') {
    if (!update || text !== undefined) errors.push(err('text', 'is required and must not be blank'));
  } else if ([...text].length > t.maxLength) errors.push(err('text', `must be at most ${t.maxLength} characters`));
  const content: RecordContent = update && text === undefined ? {} : { text: text ?? '' };
  if (update) content.goalId = input.goalId!;
  if (t.about === 'organisation') {
    // That the organisation exists is checked with the store (records service).
    if (input.organisationId === undefined) errors.push(err('organisationId', `is required: the organisation this ${def.label.toLowerCase()} is about`));
    else content.organisationId = input.organisationId;
  } else if (input.organisationId !== undefined) errors.push(err('organisationId', `is not used by "${def.code}"`));
  for (const field of ['progress', 'intensity', 'rating'] as const) {
    const range = t[field];
    const given = input[field];
    if (given === undefined) continue;
    if (!range) errors.push(err(field, `is not used by "${def.code}"`));
    else if (!Number.isInteger(given) || given < range.min || given > range.max) {
      errors.push(err(field, `must be a whole number from ${range.min} to ${range.max}`));
    } else content[field] = given;
  }
  if (t.statuses) {
    // A first record starts in the first status; an update keeps the goal's status unless it names one.
    const status = input.status ?? (update ? undefined : t.statuses[0]);
    if (status !== undefined && !t.statuses.includes(status)) errors.push(err('status', `must be one of ${t.statuses.join(', ')}`));
    else if (status !== undefined) content.status = status;
  } else if (input.status !== undefined) errors.push(err('status', `is not used by "${def.code}"`));
  return content;
}
