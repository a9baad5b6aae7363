import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Finite = Type.Number({ minimum: -1e12, maximum: 1e12 });

export const RecordInputSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64, description: 'A type code from /v1/catalogue/types' }),
    effectiveAt: Type.String({ format: 'date-time', description: 'When it happened (RFC 3339)' }),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "Defaults to the type's category" })),
    answers: Type.Optional(Type.Array(Type.Integer(), { maxItems: 100, description: 'Questionnaire answers in item order' })),
    value: Type.Optional(
      Type.Union([Finite, Type.Object({ systolic: Finite, diastolic: Finite }, { additionalProperties: false })], {
        description: 'A measure, in `unit`',
      }),
    ),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: "UCUM unit; defaults to the type's unit" })),
    systolic: Type.Optional(Finite),
    diastolic: Type.Optional(Finite),
    text: Type.Optional(Type.String({ maxLength: 20000 })),
    progress: Type.Optional(Type.Integer({ description: 'Self-rated progress towards a goal, 0–10' })),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form detail, encrypted with the rest' })),
  },
  { additionalProperties: false },
);

export const RecordBatchSchema = Type.Object(
  { records: Type.Array(RecordInputSchema, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

const SourceSchema = Type.Object({
  kind: Type.Union([Type.Literal('self'), Type.Literal('delegate'), Type.Literal('practitioner'), Type.Literal('client')], {
    description: '`delegate`: written for the person by someone they named as their delegate',
  }),
  accountId: UuidSchema,
  organisationId: Type.Union([UuidSchema, Type.Null()]),
});

/** A record as answered: metadata in clear, content opened from the sealed payload. */
export const RecordSchema = Type.Object(
  {
    id: UuidSchema,
    subjectId: UuidSchema,
    category: Type.String(),
    type: Type.String(),
    effectiveAt: DateTimeSchema,
    createdAt: DateTimeSchema,
    source: SourceSchema,
    answers: Type.Optional(Type.Array(Type.Integer())),
    score: Type.Optional(Type.Number()),
    rawScore: Type.Optional(Type.Number()),
    band: Type.Optional(Type.String()),
    flags: Type.Optional(Type.Array(Type.String())),
    items: Type.Optional(
      Type.Array(Type.Object({ n: Type.Integer(), label: Type.String(), value: Type.Number(), band: Type.Optional(Type.String()) })),
    ),
    value: Type.Optional(Type.Number()),
    systolic: Type.Optional(Type.Number()),
    diastolic: Type.Optional(Type.Number()),
    unit: Type.Optional(Type.String()),
    entered: Type.Optional(
      Type.Object({
        value: Type.Optional(Type.Number()),
        systolic: Type.Optional(Type.Number()),
        diastolic: Type.Optional(Type.Number()),
        unit: Type.String(),
      }),
    ),
    text: Type.Optional(Type.String()),
    progress: Type.Optional(Type.Integer()),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { $id: 'Record' },
);

export const RecordListSchema = ListSchema(Type.Ref('Record'));

export const RecordQuerySchema = Type.Object(
  {
    category: Type.Optional(Type.Array(Code, { maxItems: 32, description: 'Category codes (repeat to give several)' })),
    type: Type.Optional(Type.Array(Code, { maxItems: 32, description: 'Type codes (repeat to give several)' })),
    from: Type.Optional(InstantQuerySchema),
    to: Type.Optional(InstantQuerySchema),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export const RecordParamsSchema = Type.Object({ id: UuidSchema }, { additionalProperties: false });

export type RecordView = Static<typeof RecordSchema>;
export type RecordQueryInput = Static<typeof RecordQuerySchema>;
