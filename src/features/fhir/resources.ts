import { createHash } from 'node:crypto';
import type { Catalogue } from '../catalogue/catalogue.js';
import type { BandDef, Codes, TypeDef } from '../catalogue/model.js';
import { purposes } from '../grants/purposes.js';
import type { GrantView } from '../grants/schemas.js';
import type { RecordView } from '../records/schemas.js';

/*
 * Tessera records, grants and the person as FHIR R4 resources (docs/export.md has the table).
 * Field names and bindings follow the R4 (4.0.1) StructureDefinitions; every resource built
 * here is checked by test/export.test.ts against those definitions, the R4 vital-signs
 * profiles and the R4 JSON Schema.
 */

type Json = Record<string, unknown>;
export interface Resource extends Json {
  resourceType: string;
  id: string;
}
interface Coding {
  system: string;
  code: string;
  display?: string;
}
interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
interface Reference {
  reference?: string;
  type?: string;
  identifier?: { system: string; value: string };
  display?: string;
}

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

/**
 * Observation categories (http://terminology.hl7.org/CodeSystem/observation-category, R4):
 * `vital-signs` is defined as "the body's basic functions such as blood pressure, heart rate,
 * respiratory rate, height, weight, body mass index…", and the R4 vital-signs profiles exist
 * for exactly those LOINC codes, so those Observations claim and meet the profile. Steps and
 * sleep are `activity` ("any bodily activity that enhances or maintains physical fitness and
 * overall health and wellness"), not vital signs. Blood glucose (LOINC 15074-8, a CHEM-class
 * code) is `laboratory`, as US Core files glucose results even from meters. A measure with a
 * code not listed here gets no HL7 category, only Tessera's own.
 */
const vitalSignProfiles: Record<string, string> = {
  '8867-4': 'http://hl7.org/fhir/StructureDefinition/heartrate',
  '85354-9': 'http://hl7.org/fhir/StructureDefinition/bp',
  '29463-7': 'http://hl7.org/fhir/StructureDefinition/bodyweight',
  '39156-5': 'http://hl7.org/fhir/StructureDefinition/bmi',
};
const measureCategories: Record<string, 'activity' | 'laboratory'> = {
  '55423-8': 'activity',
  '93832-4': 'activity',
  '101691-4': 'activity',
  '15074-8': 'laboratory',
};
const categoryDisplay = { survey: 'Survey', 'vital-signs': 'Vital Signs', activity: 'Activity', laboratory: 'Laboratory' } as const;

/**
 * Codes for types the catalogue leaves uncoded. LOINC 51855-5 "Patient Note" is listed in the
 * R4 DocumentTypeValueSet (http://hl7.org/fhir/ValueSet/c80-doc-typecodes).
 */
const extraCodes: Record<string, Coding[]> = {
  note: [{ system: LOINC, code: '51855-5', display: 'Patient Note' }],
};

/**
 * v3 PurposeOfUse (http://terminology.hl7.org/CodeSystem/v3-ActReason) where one fits a
 * Tessera purpose; every purpose also carries Tessera's own code.
 */
const purposeOfUse: Record<string, Coding> = {
  'direct-care': { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' },
  'care-coordination': { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC', display: 'coordination of care' },
  'social-prescribing': { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC', display: 'coordination of care' },
  research: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'HRESCH', display: 'healthcare research' },
  emergency: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'ETREAT', display: 'Emergency Treatment' },
};

/** Where the resources point: the service's own code systems and the person's Patient. */
export interface FhirContext {
  base: string;
  catalogue: Catalogue;
  subjectId: string;
  /**
   * How resources refer to each other: `bundle`, by `urn:uuid:` inside one export Bundle; `rest`,
   * by `Type/id` relative to the FHIR API (`/fhir/r4`), as searches and Bulk Data files do.
   */
  refs: 'bundle' | 'rest';
}

const NAMESPACE = Buffer.from('0d5a3c1e9b7f4e2a8c6d1f3b5a7e9c2d', 'hex');

/** A name-based (version 5) UUID, so a record's derived resources keep their ids across exports. */
export function nameUuid(name: string): string {
  const h = createHash('sha1').update(NAMESPACE).update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export function urn(id: string): string {
  return `urn:uuid:${id}`;
}

function own(ctx: Pick<FhirContext, 'base'>, path: string): string {
  return `${ctx.base}/fhir/${path}`;
}

function ref(ctx: FhirContext, type: string, id: string): string {
  return ctx.refs === 'bundle' ? urn(id) : `${type}/${id}`;
}

function patientRef(ctx: FhirContext): Reference {
  return { reference: ref(ctx, 'Patient', ctx.subjectId) };
}

function identifier(ctx: FhirContext, kind: 'record' | 'grant' | 'subject', value: string) {
  return { system: own(ctx, `NamingSystem/${kind}`), value };
}

function catalogueCodings(codes: Codes | undefined): Coding[] {
  return [codes?.loinc, codes?.snomed].filter((c): c is NonNullable<typeof c> => c !== undefined).map((c) => ({ ...c }));
}

/** Every coding a record type's resources carry in `code`: the catalogue's LOINC/SNOMED, ours, Tessera's own. */
export function typeCodings(ctx: Pick<FhirContext, 'base' | 'catalogue'>, code: string): Coding[] {
  const def = ctx.catalogue.type(code);
  return [...catalogueCodings(def?.codes), ...(extraCodes[code] ?? []), { system: own(ctx, 'CodeSystem/record-type'), code, display: def?.label ?? code }];
}

/** @returns the record types whose `code` carries any of these codings (a coding without a system matches on its code) */
export function typesForCodings(ctx: Pick<FhirContext, 'base' | 'catalogue'>, wanted: { system?: string | undefined; code: string }[]): string[] {
  return ctx.catalogue.types
    .filter((t) => typeCodings(ctx, t.code).some((c) => wanted.some((w) => w.code === c.code && (w.system === undefined || w.system === c.system))))
    .map((t) => t.code);
}

function typeConcept(ctx: FhirContext, code: string): CodeableConcept {
  return { coding: typeCodings(ctx, code), text: ctx.catalogue.type(code)?.label ?? code };
}

/** The HL7 observation category a type's Observation carries, if any (see {@link vitalSignProfiles}). */
export function hl7CategoryOf(def: TypeDef): keyof typeof categoryDisplay | undefined {
  if (def.kind === 'questionnaire') return 'survey';
  if (def.kind !== 'measure') return undefined;
  const loinc = def.codes.loinc?.code;
  return loinc ? (vitalSignProfiles[loinc] ? 'vital-signs' : measureCategories[loinc]) : undefined;
}

export const OBSERVATION_CATEGORY_SYSTEM = OBSERVATION_CATEGORY;

function tesseraCategory(ctx: FhirContext, code: string): CodeableConcept {
  const label = ctx.catalogue.category(code)?.label ?? code;
  return { coding: [{ system: own(ctx, 'CodeSystem/category'), code, display: label }], text: label };
}

function hl7Category(code: keyof typeof categoryDisplay): CodeableConcept {
  return { coding: [{ system: OBSERVATION_CATEGORY, code, display: categoryDisplay[code] }] };
}

/** Who wrote a record, as a reference of one of the kinds the element allows. */
function sourceRef(ctx: FhirContext, source: RecordView['source'], allowed: string[]): Reference | undefined {
  if (source.kind === 'self') return allowed.includes('Patient') ? patientRef(ctx) : undefined;
  if (source.kind === 'practitioner' && allowed.includes('Practitioner')) {
    return { type: 'Practitioner', identifier: { system: own(ctx, 'NamingSystem/account'), value: source.accountId } };
  }
  if (source.kind === 'client') {
    if (allowed.includes('Device')) return { type: 'Device', identifier: { system: own(ctx, 'NamingSystem/account'), value: source.accountId } };
    if (source.organisationId && allowed.includes('Organization')) {
      return { type: 'Organization', identifier: { system: own(ctx, 'NamingSystem/organisation'), value: source.organisationId } };
    }
  }
  return undefined;
}

function bandConcept(ctx: FhirContext, system: string, bands: BandDef[] | undefined, code: string): CodeableConcept {
  const label = bands?.find((b) => b.code === code)?.label ?? code;
  return { coding: [{ system: own(ctx, `CodeSystem/${system}`), code, display: label }], text: label };
}

function quantity(value: number, unit: string) {
  return { value, unit, system: UCUM, code: unit };
}

/** Extensions shared by every resource made from a record: its free-form detail, as JSON text. */
function detailExtension(ctx: FhirContext, r: RecordView): Json[] | undefined {
  return r.detail === undefined ? undefined : [{ url: own(ctx, 'StructureDefinition/record-detail'), valueString: JSON.stringify(r.detail) }];
}

/** Fields every Observation made from a record has. */
function observationBase(ctx: FhirContext, r: RecordView, category: CodeableConcept[]): Resource {
  const performer = sourceRef(ctx, r.source, ['Patient', 'Practitioner', 'Organization']);
  return {
    resourceType: 'Observation',
    id: r.id,
    extension: detailExtension(ctx, r),
    identifier: [identifier(ctx, 'record', r.id)],
    status: 'final',
    category: [...category, tesseraCategory(ctx, r.category)],
    code: typeConcept(ctx, r.type),
    subject: patientRef(ctx),
    effectiveDateTime: r.effectiveAt,
    issued: r.createdAt,
    performer: performer ? [performer] : undefined,
  };
}

function questionnaireResources(ctx: FhirContext, r: RecordView, def: TypeDef | undefined): Resource[] {
  const q = def?.questionnaire;
  const qrId = nameUuid(`QuestionnaireResponse/${r.id}`);
  const author = sourceRef(ctx, r.source, ['Patient', 'Practitioner', 'Device', 'Organization']);
  const response: Resource = {
    resourceType: 'QuestionnaireResponse',
    id: qrId,
    identifier: identifier(ctx, 'record', r.id),
    // A canonical URL may carry the version (FHIR R4 canonical `url|version`): the items are that version's.
    questionnaire: own(ctx, `Questionnaire/${r.type}`) + (r.typeVersion !== undefined ? `|${r.typeVersion}` : ''),
    status: 'completed',
    subject: patientRef(ctx),
    authored: r.effectiveAt,
    author,
    item: (r.answers ?? []).map((answer, i) => {
      const item = q?.items[i];
      return { linkId: String(item?.n ?? i + 1), text: item?.label, answer: [{ valueInteger: answer }] };
    }),
  };

  const obs = observationBase(ctx, r, [hl7Category('survey')]);
  const interpretation: CodeableConcept[] = [];
  if (r.score !== undefined) obs.valueQuantity = quantity(r.score, '{score}');
  if (r.band !== undefined) interpretation.push(bandConcept(ctx, `${r.type}-band`, q?.scoring.bands, r.band));
  for (const flag of r.flags ?? []) {
    const rule = q?.flags?.find((f) => f.flag === flag);
    interpretation.push({ coding: [{ system: own(ctx, 'CodeSystem/flag'), code: flag }], text: rule?.description ?? flag });
  }
  if (interpretation.length) obs.interpretation = interpretation;
  const components: Json[] = [];
  if (r.rawScore !== undefined) {
    components.push({
      code: { coding: [{ system: own(ctx, 'CodeSystem/score'), code: 'raw-score', display: 'Raw score' }], text: 'Raw score (sum of the answers)' },
      valueQuantity: quantity(r.rawScore, '{score}'),
    });
  }
  for (const item of r.items ?? []) {
    const itemDef = q?.items.find((i) => i.n === item.n);
    const component: Json = {
      code: {
        coding: [...catalogueCodings(itemDef?.codes), { system: own(ctx, `CodeSystem/${r.type}-item`), code: String(item.n), display: item.label }],
        text: item.label,
      },
      valueInteger: item.value,
    };
    if (item.band !== undefined) component.interpretation = [bandConcept(ctx, `${r.type}-band`, itemDef?.bands, item.band)];
    components.push(component);
  }
  if (components.length) obs.component = components;
  obs.derivedFrom = [{ reference: ref(ctx, 'QuestionnaireResponse', qrId), type: 'QuestionnaireResponse' }];
  return [obs, response];
}

function enteredNote(r: RecordView): Json[] | undefined {
  const e = r.entered;
  if (!e) return undefined;
  const what = e.value !== undefined ? String(e.value) : `${e.systolic}/${e.diastolic}`;
  return [{ time: r.createdAt, text: `Entered as ${what} ${e.unit}; converted to ${r.unit}.` }];
}

function measureResource(ctx: FhirContext, r: RecordView, def: TypeDef | undefined): Resource {
  const loinc = def?.codes.loinc?.code;
  const profile = loinc ? vitalSignProfiles[loinc] : undefined;
  const hl7 = def ? hl7CategoryOf(def) : undefined;
  const obs = observationBase(ctx, r, hl7 ? [hl7Category(hl7)] : []);
  const unit = r.unit ?? def?.measure?.unit ?? '1';
  if (r.series) {
    // A day of readings: a period and sampled data. The vital-signs profiles are not claimed:
    // the heart-rate one requires a Quantity, and validators differ on the general one's vs-1
    // for a period.
    delete obs.effectiveDateTime;
    obs.effectivePeriod = { start: r.series.start, end: r.series.end };
    obs.valueSampledData = sampledData(r.series, unit);
    return obs;
  }
  if (profile) obs.meta = { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns', profile] };
  const components = (def?.measure?.components ?? []).filter((c) => typeof (r as Json)[c.code] === 'number');
  if (components.length) {
    obs.component = components.map((c) => ({
      code: {
        coding: [...catalogueCodings(c.codes), { system: own(ctx, `CodeSystem/${r.type}-component`), code: c.code, display: c.label }],
        text: c.label,
      },
      valueQuantity: quantity((r as Json)[c.code] as number, unit),
    }));
  } else if (r.value !== undefined) {
    obs.valueQuantity = quantity(r.value, unit);
  }
  obs.note = enteredNote(r);
  return obs;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * A series item as FHIR SampledData: one slot per `period` from the first reading (the
 * greatest common step of the readings' seconds), `E` where a slot has no reading. Readings
 * are whole seconds within one day, so a day is at most 86,400 slots.
 */
function sampledData(series: NonNullable<RecordView['series']>, unit: string): Json {
  const step = series.offsets.reduce((g, o) => gcd(g, o), 0) || 1;
  const slots = new Array<string>(series.offsets[series.offsets.length - 1]! / step + 1).fill('E');
  series.offsets.forEach((o, i) => (slots[o / step] = String(series.values[i])));
  return { origin: { value: 0, unit, system: UCUM, code: unit }, period: step * 1000, dimensions: 1, data: slots.join(' ') };
}

function goalResource(ctx: FhirContext, r: RecordView, def: TypeDef | undefined): Resource {
  const day = r.effectiveAt.slice(0, 10);
  const max = def?.text?.progress?.max ?? 10;
  const goal: Resource = {
    resourceType: 'Goal',
    id: r.id,
    extension: detailExtension(ctx, r),
    identifier: [identifier(ctx, 'record', r.id)],
    // goal-status: a goal the person dropped is `cancelled`, one achieved is `completed`.
    lifecycleStatus: r.status === 'achieved' ? 'completed' : r.status === 'dropped' ? 'cancelled' : 'active',
    category: [tesseraCategory(ctx, r.category)],
    description: { text: r.text ?? '' },
    subject: patientRef(ctx),
    startDate: day,
    statusDate: day,
    expressedBy: sourceRef(ctx, r.source, ['Patient', 'Practitioner']),
  };
  if (r.progress !== undefined) {
    // goal-achievement: `achieved` "the goal has been met"; below the top of the scale the
    // goal "is being sought but has not yet been reached" (`in-progress`).
    const achieved = r.progress >= max;
    goal.achievementStatus = {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/goal-achievement',
          code: achieved ? 'achieved' : 'in-progress',
          display: achieved ? 'Achieved' : 'In Progress',
        },
      ],
      text: `Self-rated progress ${r.progress} of ${max}`,
    };
    goal.note = [{ time: r.effectiveAt, text: `Self-rated progress: ${r.progress} of ${max} (0 not started, ${max} achieved).` }];
  }
  return goal;
}

function textObservation(ctx: FhirContext, r: RecordView): Resource {
  const obs = observationBase(ctx, r, []);
  obs.valueString = r.text ?? '';
  if (r.intensity !== undefined) obs.component = [{ code: { text: 'Intensity (0–10)' }, valueInteger: r.intensity }];
  if (r.rating !== undefined) obs.component = [{ code: { text: 'Is this helping me? (0–10)' }, valueInteger: r.rating }];
  // Feedback is about an organisation's support: Observation.focus names what it is about.
  if (r.organisationId !== undefined) obs.focus = [{ identifier: { system: own(ctx, 'organisation'), value: r.organisationId } }];
  if (r.status !== undefined) obs.note = [{ time: r.effectiveAt, text: `Status: ${r.status}` }];
  return obs;
}

/**
 * A progress update of a goal (docs/outcomes.md "Goals"): an Observation about the Goal its
 * first record became (`focus`), holding the progress and any new status.
 */
function goalUpdateObservation(ctx: FhirContext, r: RecordView): Resource {
  const obs = observationBase(ctx, r, []);
  obs.focus = [{ reference: `Goal/${r.goalId}` }];
  if (r.progress !== undefined) obs.valueInteger = r.progress;
  if (r.status !== undefined || r.text !== undefined) obs.note = [{ time: r.effectiveAt, text: [r.status && `Status: ${r.status}`, r.text].filter(Boolean).join('. ') }];
  return obs;
}

/** The resources one record becomes: one, or two for a questionnaire (the answers and the score). */
export function recordResources(ctx: FhirContext, r: RecordView): Resource[] {
  // A bespoke measure's record is shown with the items of the version that scored it.
  const def = ctx.catalogue.type(r.type, r.typeVersion);
  const kind = def?.kind ?? (r.answers ? 'questionnaire' : r.text !== undefined ? 'text' : 'measure');
  let resources: Resource[];
  if (kind === 'questionnaire') resources = questionnaireResources(ctx, r, def);
  else if (kind === 'measure') resources = [measureResource(ctx, r, def)];
  else if (r.goalId !== undefined) resources = [goalUpdateObservation(ctx, r)];
  else if (def?.text?.progress || r.progress !== undefined) resources = [goalResource(ctx, r, def)];
  else resources = [textObservation(ctx, r)];
  return r.dispute ? resources.map((res) => disputed(ctx, res, r.dispute!)) : resources;
}

/**
 * A disputed record says so in every resource: a `meta.tag` with the dispute's status, and (where
 * the resource has notes) the person's statement as a note (docs/care-team.md, "Disputes").
 */
function disputed(ctx: FhirContext, res: Resource, d: NonNullable<RecordView['dispute']>): Resource {
  const tag = { system: own(ctx, 'CodeSystem/dispute-status'), code: d.status, display: `Disputed by the person (${d.status})` };
  const meta = (res.meta ?? {}) as { tag?: Coding[] };
  const out = { ...res, meta: { ...meta, tag: [...(meta.tag ?? []), tag] } } as Resource & { note?: { text: string }[] };
  if (res.resourceType === 'Observation' || res.resourceType === 'Goal') {
    out.note = [...(((res as { note?: { text: string }[] }).note) ?? []), { text: `The person disputes this record: ${d.statement}` }];
  }
  return out;
}

/** The person, with no more identity than Tessera holds: an id and the name they gave. */
export function patientResource(ctx: FhirContext, displayName: string | null): Resource {
  return {
    resourceType: 'Patient',
    id: ctx.subjectId,
    identifier: [identifier(ctx, 'subject', ctx.subjectId)],
    active: true,
    name: displayName ? [{ text: displayName }] : undefined,
  };
}

function receiptAttachment(jws: string, at: string, title: string) {
  return { contentType: 'application/jose', data: Buffer.from(jws, 'ascii').toString('base64'), title, creation: at };
}

/** What the grantee account is, for the actor reference's type. */
export type GranteeKind = 'practitioner' | 'client' | 'organisation';

function granteeRef(ctx: FhirContext, g: GrantView, kind: GranteeKind): Reference {
  const display = g.granteeName ?? undefined;
  if (kind === 'organisation' || !g.grantee.accountId) {
    return { type: 'Organization', identifier: { system: own(ctx, 'NamingSystem/organisation'), value: g.grantee.organisationId ?? '' }, display };
  }
  return { type: kind === 'client' ? 'Device' : 'Practitioner', identifier: { system: own(ctx, 'NamingSystem/account'), value: g.grantee.accountId }, display };
}

/** A grant as a privacy Consent: the person permits the grantee a slice, for a purpose and a time. */
export function consentResource(ctx: FhirContext, g: GrantView, granteeKind: GranteeKind): Resource {
  const purpose = purposes.find((p) => p.code === g.purpose);
  const extension: Json[] = [{ url: own(ctx, 'StructureDefinition/grant-status'), valueCode: g.status }];
  if (g.purposeText) extension.push({ url: own(ctx, 'StructureDefinition/purpose-text'), valueString: g.purposeText });
  if (g.revocationReceipt && g.revokedAt) {
    extension.push({
      url: own(ctx, 'StructureDefinition/revocation-receipt'),
      valueAttachment: receiptAttachment(g.revocationReceipt, g.revokedAt, 'Revocation receipt (compact JWS; keys at /.well-known/jwks.json)'),
    });
  }
  const dataPeriod = g.from || g.to ? { start: g.from ?? undefined, end: g.to ?? undefined } : undefined;
  return {
    resourceType: 'Consent',
    id: g.id,
    extension,
    identifier: [identifier(ctx, 'grant', g.id)],
    status: g.status === 'active' ? 'active' : 'inactive',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy', display: 'Privacy Consent' }] },
    category: [{ coding: [{ system: LOINC, code: '59284-0', display: 'Patient Consent' }] }],
    patient: patientRef(ctx),
    dateTime: g.createdAt,
    performer: [patientRef(ctx)],
    sourceAttachment: receiptAttachment(g.receipt, g.createdAt, 'Consent receipt (compact JWS; keys at /.well-known/jwks.json)'),
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN', display: 'opt-in' }] },
    provision: {
      type: 'permit',
      period: { start: g.createdAt, end: g.expiresAt },
      actor: [
        {
          // v3 ParticipationType (in R4's security-role-type): a reader receives information,
          // an appender supplies it.
          role: {
            coding: [
              g.access !== 'append'
                ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }
                : { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'INF', display: 'informant' },
            ],
          },
          reference: granteeRef(ctx, g, granteeKind),
        },
      ],
      action: [
        g.access === 'read'
          ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'access', display: 'Access' }], text: 'read' }
          : g.access === 'aggregate'
            ? { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'use', display: 'Use' }], text: 'aggregate' }
            : { coding: [{ system: own(ctx, 'CodeSystem/grant-access'), code: 'append', display: 'Append records' }], text: 'append' },
      ],
      purpose: [
        { system: own(ctx, 'CodeSystem/purpose'), code: g.purpose, display: purpose?.label ?? g.purpose },
        ...(purposeOfUse[g.purpose] ? [purposeOfUse[g.purpose]!] : []),
      ],
      class: g.categories.map((c) => ({ system: own(ctx, 'CodeSystem/category'), code: c, display: ctx.catalogue.category(c)?.label ?? c })),
      code: g.types ? g.types.map((t) => typeConcept(ctx, t)) : undefined,
      dataPeriod,
    },
  };
}

/** One bundle entry, as JSON text. */
export function entryJson(resource: Resource): string {
  return JSON.stringify({ fullUrl: urn(resource.id), resource });
}
