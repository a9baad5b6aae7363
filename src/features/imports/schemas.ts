import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';
import { csvColumns } from './csv.js';

export type ImportFormat = 'fhir' | 'omh' | 'csv';

export const ImportSchema = Type.Object(
  {
    id: UuidSchema,
    status: Type.Enum(['running', 'completed', 'failed'], { description: '`running` until every entry is stored or none is' }),
    format: Type.Enum(['fhir', 'omh', 'csv']),
    total: Type.Integer({ description: 'Entries in the body (a FHIR Bundle’s Patient and derived scores included)' }),
    processed: Type.Integer({ description: 'Entries checked so far (progress: processed / total)' }),
    added: Type.Integer({ description: 'Records stored' }),
    skipped: Type.Integer({ description: 'Entries whose content the store already held, or that are no record of their own' }),
    createdAt: DateTimeSchema,
    finishedAt: Type.Union([DateTimeSchema, Type.Null()]),
    errors: Type.Optional(
      Type.Array(Type.Object({ field: Type.String({ description: 'The entry and field, e.g. entry.3.resource or rows.7.unit' }), detail: Type.String() }), {
        description: 'Why a failed import stored nothing (at most 100)',
      }),
    ),
  },
  { $id: 'Import', description: 'An import into a person’s store (docs/imports.md)' },
);

export type ImportView = Static<typeof ImportSchema>;

/** The bodies an import takes, one per media type (docs/imports.md). */
export const ImportBodySchema = {
  content: {
    'application/fhir+json': {
      schema: Type.Object(
        { resourceType: Type.Literal('Bundle'), entry: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }), { maxItems: 200_000 })) },
        { additionalProperties: true, description: 'A FHIR R4 Bundle of Observations, QuestionnaireResponses and Goals' },
      ),
    },
    'application/json': {
      schema: Type.Union(
        [
          Type.Array(Type.Object({ header: Type.Object({}, { additionalProperties: true }), body: Type.Object({}, { additionalProperties: true }) }), {
            minItems: 1,
            maxItems: 200_000,
          }),
          Type.Object({}, { additionalProperties: true }),
        ],
        { description: 'Open mHealth / IEEE 1752.1 data points (one, or an array), or a FHIR Bundle' },
      ),
    },
    'text/csv': { schema: Type.String({ minLength: 1, description: `CSV with a header row; columns ${csvColumns.join(', ')}` }) },
  },
};
