import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';
import { LogEntrySchema } from '../access-log/schemas.js';
import { AccessRequestSchema } from '../access-requests/schemas.js';
import { WatchSchema } from '../watches/schemas.js';

export const ExportQuerySchema = Type.Object(
  {
    format: Type.Optional(
      Type.Enum(['json', 'fhir'], {
        default: 'json',
        description: "`json`: Tessera's own shape (docs/export.md); `fhir`: a FHIR R4 Bundle of type `collection`",
      }),
    ),
  },
  { additionalProperties: false },
);

export type ExportFormat = 'json' | 'fhir';

export const ExportSubjectSchema = Type.Object({
  subjectId: UuidSchema,
  accountId: UuidSchema,
  handle: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTimeSchema,
});

export type ExportSubject = Static<typeof ExportSubjectSchema>;

/**
 * The `json` export, for the OpenAPI document only: the body is streamed as written, never
 * through this schema (each item is serialised with its own list's schema instead).
 */
export const ExportDocumentSchema = Type.Object(
  {
    format: Type.Literal('tessera-export'),
    version: Type.Literal(1),
    exportId: Type.String({ format: 'uuid', description: 'The id of the access-log entry this export wrote' }),
    exportedAt: DateTimeSchema,
    logHead: Type.Object(
      { seq: Type.Integer(), hash: Type.String() },
      { description: 'The head of the person’s access-log chain: this export’s own entry' },
    ),
    checkpoint: Type.String({ description: 'A signed checkpoint (JWS, verifiable against /.well-known/jwks.json) of that head' }),
    subject: ExportSubjectSchema,
    records: Type.Array(Type.Ref('Record'), { description: 'Every record, decrypted, newest first, exactly as GET /v1/me/records answers them' }),
    grants: Type.Array(Type.Ref('Grant'), { description: 'Every grant ever made, newest first, with its consent receipts' }),
    accessRequests: Type.Array(AccessRequestSchema),
    watches: Type.Array(WatchSchema, { description: 'Live watches on the person' }),
    accessLog: Type.Array(LogEntrySchema, { description: 'The whole hash-chained log, oldest first, ending with this export' }),
  },
  { description: 'Everything Tessera holds about the person (see docs/export.md)' },
);

/** The `fhir` export's outer shape, for the OpenAPI document only. */
export const FhirBundleSchema = Type.Object(
  {
    resourceType: Type.Literal('Bundle'),
    id: UuidSchema,
    identifier: Type.Object({ system: Type.String(), value: Type.String() }),
    type: Type.Literal('collection'),
    timestamp: DateTimeSchema,
    entry: Type.Array(
      Type.Object({
        fullUrl: Type.String({ description: '`urn:uuid:<id>`; resources refer to each other by these' }),
        resource: Type.Object(
          { resourceType: Type.String({ description: 'Patient, Observation, QuestionnaireResponse, Goal or Consent' }) },
          { additionalProperties: true },
        ),
      }),
    ),
  },
  { description: 'A FHIR R4 Bundle (type collection); see docs/export.md for the mapping' },
);
