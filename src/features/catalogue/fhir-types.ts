import type { Catalogue } from './catalogue.js';
import type { TypeDef } from './model.js';

/** The FHIR resource types records become (docs/export.md has the mapping). */
export type RecordResourceType = 'Observation' | 'QuestionnaireResponse' | 'Goal';

/**
 * What a record of this type becomes in FHIR: a questionnaire is its answers and its score, a
 * goal is a Goal, everything else one Observation. SMART scopes and FHIR searches select
 * records by this, and src/features/fhir/resources.ts builds exactly these.
 */
export function resourceTypesOf(def: TypeDef): RecordResourceType[] {
  if (def.kind === 'questionnaire') return ['Observation', 'QuestionnaireResponse'];
  if (def.kind === 'text' && def.text?.progress) return ['Goal'];
  return ['Observation'];
}

/** @returns the codes of the catalogue types whose records become a resource of this type */
export function typesBecoming(catalogue: Catalogue, resource: RecordResourceType): string[] {
  return catalogue.types.filter((t) => resourceTypesOf(t).includes(resource)).map((t) => t.code);
}
