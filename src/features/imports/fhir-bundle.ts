import type { Catalogue } from '../catalogue/catalogue.js';
import type { TypeDef } from '../catalogue/model.js';
import { typesForCodings } from '../fhir/resources.js';
import type { RecordInput } from '../records/compose.js';
import { dateTimeProblem, parseInstant } from '../../core/time.js';
import { bodyError, isObject, type Json, type Parsed, type SeriesEntry } from './entries.js';

/*
 * A FHIR R4 Bundle into record bodies (docs/imports.md "FHIR Bundles"): Observations by their
 * LOINC, SNOMED CT or Tessera code and unit, QuestionnaireResponses by their Questionnaire, Goals
 * by their description. A Patient is context, not a record; a questionnaire score derived from
 * answers in the same Bundle is left out (the answers are scored again on the way in). Anything
 * else is refused, naming the entry.
 */

const UCUM = 'http://unitsofmeasure.org';
const usableObservation = new Set(['final', 'amended', 'corrected', 'preliminary']);
const usableResponse = new Set(['completed', 'amended']);

/** How many more sampled readings the import may take (all its SampledData together). */
interface Budget {
  readings: number;
}

/** What an entry becomes: a record body, several (SampledData of a plain measure), a series, or a refusal. */
type Made = RecordInput | RecordInput[] | Omit<SeriesEntry, 'field'> | { error: string };

interface Context {
  base: string;
  catalogue: Catalogue;
}

function codings(concept: unknown): { system?: string; code: string }[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.filter(isObject).flatMap((c) => (typeof c.code === 'string' ? [{ code: c.code, ...(typeof c.system === 'string' ? { system: c.system } : {}) }] : []));
}

/** The moment an Observation is about: effectiveDateTime or Instant, or a period's end (else its start). */
function effective(r: Json): string | undefined {
  if (typeof r.effectiveDateTime === 'string') return r.effectiveDateTime;
  if (typeof r.effectiveInstant === 'string') return r.effectiveInstant;
  if (isObject(r.effectivePeriod)) {
    const p = r.effectivePeriod;
    if (typeof p.end === 'string') return p.end;
    if (typeof p.start === 'string') return p.start;
  }
  return undefined;
}

/** A Quantity's UCUM unit: its code when coded in UCUM (or uncoded), else its display unit. */
function quantity(q: unknown): { value: number; unit?: string } | undefined {
  if (!isObject(q) || typeof q.value !== 'number') return undefined;
  const unit = typeof q.code === 'string' && (q.system === undefined || q.system === UCUM) ? q.code : typeof q.unit === 'string' ? q.unit : undefined;
  return { value: q.value, ...(unit !== undefined ? { unit } : {}) };
}

/** Tessera's own category, when the resource carries one (as its exports do). */
function ownCategory(ctx: Context, r: Json): string | undefined {
  const system = `${ctx.base}/fhir/CodeSystem/category`;
  const list = Array.isArray(r.category) ? r.category : [];
  for (const c of list.flatMap(codings)) if (c.system === system && ctx.catalogue.category(c.code)) return c.code;
  return undefined;
}

function observation(ctx: Context, r: Json, field: string, derivedFromBundle: (r: Json) => boolean, left: Budget): Made | 'left-out' {
  if (typeof r.status !== 'string' || !usableObservation.has(r.status)) return { error: `status "${String(r.status)}" is not a result to keep (final, amended, corrected or preliminary)` };
  const types = typesForCodings(ctx, codings(r.code));
  const shown = codings(r.code).map((c) => `${c.system ?? ''}|${c.code}`).join(', ') || 'none';
  if (types.length !== 1) return { error: types.length ? `code (${shown}) names more than one catalogue type` : `code (${shown}) maps to no catalogue type; see /v1/catalogue/types for the LOINC and SNOMED CT codes Tessera takes` };
  const def = ctx.catalogue.type(types[0]!)!;
  const effectiveAt = effective(r);
  if (!effectiveAt) return { error: 'effective[x] (a date-time or period) is required' };
  const base: RecordInput = { type: def.code, effectiveAt };
  const category = ownCategory(ctx, r);
  if (category) base.category = category;
  if (def.kind === 'questionnaire') {
    // Tessera scores questionnaires from their answers; a score with its answers beside it is the same record.
    if (derivedFromBundle(r)) return 'left-out';
    return { error: `a ${def.label} score alone cannot be imported: send the QuestionnaireResponse with the answers, which Tessera scores` };
  }
  if (def.kind === 'text') {
    if (typeof r.valueString !== 'string') return { error: 'valueString is required for a note' };
    return { ...base, text: r.valueString };
  }
  return measure(def, r, base, field, left);
}

function measure(def: TypeDef, r: Json, base: RecordInput, field: string, left: Budget): Made {
  const components = def.measure?.components;
  if (components) {
    const parts = Array.isArray(r.component) ? r.component.filter(isObject) : [];
    const out: RecordInput = { ...base };
    for (const c of components) {
      const wanted = c.codes?.loinc?.code;
      const part = parts.find((p) => codings(p.code).some((x) => x.code === wanted || x.code === c.code));
      const q = part ? quantity(part.valueQuantity) : undefined;
      if (!q) return { error: `component ${wanted ?? c.code} (${c.label}) with a valueQuantity is required` };
      (out as unknown as Record<string, unknown>)[c.code] = q.value;
      if (q.unit) out.unit = q.unit;
    }
    return out;
  }
  if (r.valueSampledData !== undefined) {
    const made = sampledMeasure(def, r, base, left.readings);
    if (!('error' in made)) left.readings -= Array.isArray(made) ? made.length : made.at.length;
    return made;
  }
  const q = quantity(r.valueQuantity);
  if (!q) return { error: `valueQuantity (or valueSampledData) with a number is required (${field})` };
  return { ...base, value: q.value, ...(q.unit ? { unit: q.unit } : {}) };
}

/** A number token of SampledData.data (FHIR R4 decimal). */
const decimalToken = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** Readings of a SampledData, as columns; the caller decides records or a series. */
interface Sampled {
  unit?: string;
  at: number[];
  values: number[];
  /** Each reading's slot in `data`, when some slots hold no reading (E, L, U). */
  slots?: number[];
}

/** Readings one import may carry in SampledData: a year of readings a minute, twice over. */
export const MAX_SAMPLED_READINGS = 1_051_200;
/** The last moment a JavaScript date holds. */
const LAST_MOMENT = 8.64e15;

/**
 * SampledData (FHIR R4): one reading per `period` milliseconds from `effectivePeriod.start` (or
 * the effective moment), each `origin + value × factor` in the origin's unit; `E`, `L` and `U`
 * (no reading, below or above the device's range) are slots without a reading. Moments are
 * kept to the millisecond, as every moment in Tessera is (a 3 Hz period of 333.33 ms is
 * rounded to the nearest millisecond).
 * @param budget how many readings this import may still take
 */
function sampled(r: Json, budget: number): Sampled | { error: string } {
  const sd = r.valueSampledData;
  if (!isObject(sd)) return { error: 'valueSampledData must be an object' };
  const origin = quantity(sd.origin);
  if (!origin) return { error: 'valueSampledData.origin with a number is required' };
  if (typeof sd.period !== 'number' || !(sd.period > 0) || !Number.isFinite(sd.period)) return { error: 'valueSampledData.period (milliseconds between readings, above 0) is required' };
  if (sd.dimensions !== undefined && sd.dimensions !== 1) return { error: 'valueSampledData.dimensions other than 1 cannot be imported' };
  const factor = sd.factor === undefined ? 1 : sd.factor;
  if (typeof factor !== 'number' || factor === 0 || !Number.isFinite(factor)) return { error: 'valueSampledData.factor must be a number other than 0' };
  if (typeof sd.data !== 'string') return { error: 'valueSampledData.data (values separated by spaces) is required' };
  // The readings run from the start: a period's end alone does not say where they begin.
  const period = isObject(r.effectivePeriod) ? r.effectivePeriod : undefined;
  const startText = period ? period.start : typeof r.effectiveDateTime === 'string' ? r.effectiveDateTime : r.effectiveInstant;
  if (typeof startText !== 'string') return { error: 'effectivePeriod.start (when the first slot was read) is required for valueSampledData' };
  const start = parseInstant(startText);
  if (start === undefined) return { error: `the effective start: ${dateTimeProblem(startText)}` };
  const out: Sampled = { at: [], values: [], ...(origin.unit ? { unit: origin.unit } : {}) };
  const tokens = sd.data.split(/\s+/).filter((t) => t !== '');
  if (!(start + (tokens.length - 1) * sd.period < LAST_MOMENT)) return { error: 'valueSampledData runs past the last date a moment can have' };
  for (let slot = 0; slot < tokens.length; slot++) {
    const token = tokens[slot]!;
    if (token === 'E' || token === 'L' || token === 'U') {
      out.slots ??= out.at.map((_, i) => i);
      continue;
    }
    if (!decimalToken.test(token)) return { error: `valueSampledData.data holds "${token.slice(0, 20)}" at slot ${slot}, which is not a decimal, E, L or U` };
    const value = factor === 1 && origin.value === 0 ? Number(token) : Math.round((origin.value + Number(token) * factor) * 1e9) / 1e9;
    if (!Number.isFinite(value)) return { error: `valueSampledData.data slot ${slot} is too large a number` };
    if (out.at.length >= budget) return { error: `holds more than the ${MAX_SAMPLED_READINGS.toLocaleString('en-GB')} sampled readings one import may carry; import in parts` };
    out.at.push(start + Math.round(slot * sd.period));
    out.values.push(value);
    out.slots?.push(slot);
  }
  if (out.at.length === 0) return { error: 'valueSampledData.data holds no reading' };
  return out;
}

/** SampledData of a dense measure stays columns (a series entry); of any other type, one record body a reading. */
function sampledMeasure(def: TypeDef, r: Json, base: RecordInput, budget: number): RecordInput[] | Omit<SeriesEntry, 'field'> | { error: string } {
  const s = sampled(r, budget);
  if ('error' in s) return s;
  const unit = s.unit ? { unit: s.unit } : {};
  if (def.measure?.series) return { type: def.code, ...(base.category ? { category: base.category } : {}), ...unit, at: s.at, values: s.values, ...(s.slots ? { slots: s.slots } : {}) };
  return s.at.map((at, i) => ({ ...base, effectiveAt: new Date(at).toISOString(), value: s.values[i]!, ...unit }));
}

function questionnaireResponse(ctx: Context, r: Json): RecordInput | { error: string } {
  if (typeof r.status !== 'string' || !usableResponse.has(r.status)) return { error: `status "${String(r.status)}" is not a completed response` };
  const m = typeof r.questionnaire === 'string' ? /\/Questionnaire\/([a-z0-9-]+)(?:\|.*)?$/.exec(r.questionnaire) : null;
  const def = m ? ctx.catalogue.type(m[1]!) : undefined;
  if (!def || def.kind !== 'questionnaire') {
    return { error: `questionnaire ${JSON.stringify(r.questionnaire ?? null)} is not a catalogue instrument (…/Questionnaire/{type}, e.g. ${ctx.base}/fhir/Questionnaire/phq9)` };
  }
  if (typeof r.authored !== 'string') return { error: 'authored is required' };
  const items = (Array.isArray(r.item) ? r.item : []).filter(isObject);
  const answers: { n: number; v: number }[] = [];
  for (const item of items) {
    const n = Number(item.linkId);
    const a = Array.isArray(item.answer) && isObject(item.answer[0]) ? item.answer[0] : undefined;
    const v = a?.valueInteger ?? (isObject(a?.valueCoding) ? Number((a.valueCoding as Json).code) : undefined);
    if (!Number.isInteger(n) || typeof v !== 'number' || !Number.isInteger(v)) return { error: `item ${String(item.linkId)} needs a numeric linkId (the item number) and an integer answer` };
    answers.push({ n, v });
  }
  answers.sort((a, b) => a.n - b.n);
  return { type: def.code, effectiveAt: r.authored, answers: answers.map((a) => a.v) };
}

function goal(r: Json): RecordInput | { error: string } {
  const text = isObject(r.description) ? r.description.text : undefined;
  if (typeof text !== 'string' || text.trim() === '') return { error: 'description.text (the goal in the person’s words) is required' };
  const day = typeof r.startDate === 'string' ? r.startDate : typeof r.statusDate === 'string' ? r.statusDate : undefined;
  if (!day || !/^\d{4}-\d{2}-\d{2}$/.test(day)) return { error: 'startDate (YYYY-MM-DD) is required' };
  return { type: 'goal', effectiveAt: `${day}T00:00:00Z`, text };
}

/** The Patient an entry's resource is about, by reference, if it names one. */
function patientOf(r: Json): string | undefined {
  const ref = isObject(r.subject) ? r.subject.reference : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

/**
 * Turns a Bundle into record bodies, every problem named by entry.
 * @param ctx the service's public base (for its own code systems) and the catalogue
 */
export function parseBundle(ctx: Context, bundle: Json): Parsed {
  const out: Parsed = { entries: [], leftOut: 0, errors: [] };
  if (bundle.resourceType !== 'Bundle') {
    out.errors.push(bodyError('resourceType', 'must be "Bundle"'));
    return out;
  }
  const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
  // What a derived score may point at: the answers' fullUrl or Type/id.
  const responses = new Set<string>();
  for (const e of entries) {
    if (!isObject(e) || !isObject(e.resource) || e.resource.resourceType !== 'QuestionnaireResponse') continue;
    if (typeof e.fullUrl === 'string') responses.add(e.fullUrl);
    if (typeof e.resource.id === 'string') responses.add(`QuestionnaireResponse/${e.resource.id}`);
  }
  const derivedFromBundle = (r: Json) =>
    Array.isArray(r.derivedFrom) && r.derivedFrom.some((d) => isObject(d) && typeof d.reference === 'string' && responses.has(d.reference));
  let patient: string | undefined;
  const left: Budget = { readings: MAX_SAMPLED_READINGS };
  entries.forEach((e, i) => {
    const field = `entry.${i}`;
    const r = isObject(e) ? e.resource : undefined;
    if (!isObject(r) || typeof r.resourceType !== 'string') {
      out.errors.push(bodyError(`${field}.resource`, 'is required and must be a FHIR resource'));
      return;
    }
    if (r.resourceType === 'Patient') {
      out.leftOut++;
      return;
    }
    const about = patientOf(r);
    if (about !== undefined) {
      patient ??= about;
      if (about !== patient) {
        out.errors.push(bodyError(`${field}.resource.subject`, `refers to ${about}, but earlier entries are about ${patient}: a Bundle imports into one person's store`));
        return;
      }
    }
    let made: Made | 'left-out';
    if (r.resourceType === 'Observation') made = observation(ctx, r, `${field}.resource`, derivedFromBundle, left);
    else if (r.resourceType === 'QuestionnaireResponse') made = questionnaireResponse(ctx, r);
    else if (r.resourceType === 'Goal') made = goal(r);
    else made = { error: `a ${r.resourceType} cannot be imported (Observation, QuestionnaireResponse and Goal can)` };
    if (made === 'left-out') out.leftOut++;
    else if (Array.isArray(made)) made.forEach((input, k) => out.entries.push({ field: `${field}.resource.valueSampledData.data.${k}`, input }));
    else if ('at' in made) (out.series ??= []).push({ field: `${field}.resource.valueSampledData.data`, ...made });
    else if ('error' in made) out.errors.push(bodyError(`${field}.resource`, `${r.resourceType}${typeof r.id === 'string' ? `/${r.id}` : ''}: ${made.error}`));
    else out.entries.push({ field: `${field}.resource`, input: made });
  });
  return out;
}
