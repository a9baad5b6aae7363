import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';

// No pattern: the records service checks codes against the catalogue and suggests the nearest.
const Code = Type.String({ minLength: 1, maxLength: 64 });
const Finite = Type.Number({ minimum: -1e12, maximum: 1e12 });

export const RecordInputSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 64, description: 'A type code from /v1/catalogue/types' }),
    // Checked by the records service rather than a `format`, so its problems are reported with
    // the type's and the values' in one answer.
    effectiveAt: Type.String({ minLength: 1, maxLength: 40, description: 'When it happened: RFC 3339 date-time with a time zone, e.g. 2026-03-01T10:00:00Z' }),
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
    intensity: Type.Optional(Type.Integer({ description: 'How pressing a need is, 0–10' })),
    rating: Type.Optional(Type.Integer({ description: 'Feedback on support: is this helping me? 0 (not at all) to 10 (a great deal)' })),
    organisationId: Type.Optional(UuidSchema),
    status: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'A goal’s or need’s status (see the type’s `text.statuses`)' })),
    goalId: Type.Optional(UuidSchema),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form detail, encrypted with the rest' })),
  },
  { additionalProperties: false },
);

export const RecordBatchSchema = Type.Object(
  { records: Type.Array(RecordInputSchema, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);

// An enum and a type list rather than unions: fast-json-stringify serializes a union by running
// an Ajv validator per branch, for each of the 50 records of a page (docs/performance.md).
const SourceSchema = Type.Object({
  kind: Type.Enum(['self', 'delegate', 'practitioner', 'client'], {
    type: 'string',
    description: '`delegate`: written for the person by someone they named as their delegate',
  }),
  accountId: UuidSchema,
  organisationId: Type.Unsafe<string | null>({ type: ['string', 'null'], format: 'uuid', description: 'UUID, or null' }),
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
    intensity: Type.Optional(Type.Integer()),
    rating: Type.Optional(Type.Integer()),
    organisationId: Type.Optional(UuidSchema),
    status: Type.Optional(Type.String()),
    goalId: Type.Optional(UuidSchema),
    typeVersion: Type.Optional(Type.Integer({ description: 'Bespoke measures: the version the record was scored by' })),
    detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    signposting: Type.Optional(
      Type.String({ description: 'Where to get help now; in the person’s own record answer and view when a `self-harm-risk` flag is raised' }),
    ),
    series: Type.Optional(
      Type.Object(
        {
          start: DateTimeSchema,
          end: DateTimeSchema,
          count: Type.Integer({ description: 'How many readings this item holds' }),
          offsets: Type.Array(Type.Integer(), { description: 'Each reading’s seconds after `start`, ascending' }),
          values: Type.Array(Type.Number(), { description: 'Each reading’s value, in `unit`, in the order of `offsets`' }),
        },
        {
          description:
            'A dense measure’s readings of one UTC day from one writer (docs/performance.md "Dense series"), cut to what this read may see; ' +
            'the item has no `value`',
        },
      ),
    ),
    replaces: Type.Optional(Type.String({ format: 'uuid', description: 'This record amends that one (after a dispute); the original is kept as it was' })),
    dispute: Type.Optional(
      Type.Object(
        {
          id: UuidSchema,
          status: Type.Union([Type.Literal('open'), Type.Literal('amended'), Type.Literal('entered-in-error'), Type.Literal('upheld')]),
          statement: Type.String({ description: 'The person’s statement' }),
          note: Type.Union([Type.String(), Type.Null()], { description: 'The writer’s note on the resolution' }),
          replacedBy: Type.Union([UuidSchema, Type.Null()], { description: 'For `amended`: the record that replaces this one' }),
        },
        { description: 'The person disputes this record (docs/care-team.md)' },
      ),
    ),
  },
  { $id: 'Record' },
);

export const RecordListSchema = ListSchema(Type.Ref('Record'));

/** A supporter's read of a slice: the records, and the person's name if they share it with you. */
export const SliceSchema = Type.Object({
  items: Type.Array(Type.Ref('Record')),
  nextCursor: Type.Unsafe<string | null>({ type: ['string', 'null'] }),
  subjectName: Type.Unsafe<string | null>({ type: ['string', 'null'], description: 'The person’s display name, if one of your grants on them shares it' }),
});

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
