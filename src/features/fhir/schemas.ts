import { Type } from 'typebox';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Any FHIR resource (the OpenAPI document names the type; src/features/fhir/resources.ts builds it). */
export const FhirResourceSchema = Type.Object(
  { resourceType: Type.String({ description: 'The FHIR R4 resource type' }) },
  { additionalProperties: true, description: 'A FHIR R4 resource (application/fhir+json)' },
);

/** FHIR R4 OperationOutcome, the shape of every error under /fhir/r4. */
export const OperationOutcomeSchema = Type.Object(
  {
    resourceType: Type.Literal('OperationOutcome'),
    id: Type.String(),
    issue: Type.Array(
      Type.Object({
        severity: Type.String(),
        code: Type.String(),
        details: Type.Object({ coding: Type.Array(Type.Object({ system: Type.String(), code: Type.String() })), text: Type.String() }),
        diagnostics: Type.String(),
        expression: Type.Optional(Type.Array(Type.String())),
      }),
    ),
  },
  { description: 'FHIR R4 OperationOutcome (application/fhir+json), with the /v1 status' },
);

export const FhirErrors = {
  400: OperationOutcomeSchema,
  401: OperationOutcomeSchema,
  403: OperationOutcomeSchema,
  404: OperationOutcomeSchema,
  429: OperationOutcomeSchema,
};
