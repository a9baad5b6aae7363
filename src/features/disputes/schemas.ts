import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, LimitSchema, UuidSchema } from '../../core/schemas.js';
import { RecordInputSchema } from '../records/schemas.js';

const Words = (description: string) => Type.String({ minLength: 1, maxLength: 2000, description });

export const DisputeStatusSchema = Type.Union([Type.Literal('open'), Type.Literal('amended'), Type.Literal('entered-in-error'), Type.Literal('upheld')]);

export const DisputeInputSchema = Type.Object({ statement: Words('What is wrong with the record, in your own words') }, { additionalProperties: false });

export const ResolveInputSchema = Type.Object(
  {
    outcome: Type.Union([Type.Literal('amended'), Type.Literal('entered-in-error'), Type.Literal('upheld')], {
      description: '`amended`: `record` replaces it; `entered-in-error`: hidden from supporters, kept for the person; `upheld`: it stands, with the statement',
    }),
    note: Words('Why, for the person'),
    record: Type.Optional(RecordInputSchema),
  },
  { additionalProperties: false },
);

export const DisputeSchema = Type.Object(
  {
    id: UuidSchema,
    subjectId: UuidSchema,
    recordId: UuidSchema,
    record: Type.Object(
      { type: Type.String(), category: Type.String(), effectiveAt: DateTimeSchema, createdAt: DateTimeSchema },
      { description: 'What the record is (its content is in the person’s store, read as any record)' },
    ),
    writer: Type.Object({ accountId: UuidSchema, organisationId: Type.Union([UuidSchema, Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) }),
    status: DisputeStatusSchema,
    statement: Type.String(),
    note: Type.Union([Type.String(), Type.Null()]),
    replacedBy: Type.Union([UuidSchema, Type.Null()]),
    createdAt: DateTimeSchema,
    resolvedAt: Type.Union([DateTimeSchema, Type.Null()]),
  },
  { description: 'A person’s dispute of a record someone else wrote (docs/care-team.md "Disputes")' },
);

/** A resolution's answer: the dispute, and for `amended` the record that replaces the disputed one. */
export const ResolvedSchema = Type.Object({ ...DisputeSchema.properties, replacement: Type.Union([Type.Ref('Record'), Type.Null()]) });

export const DisputeListQuerySchema = Type.Object(
  { status: Type.Optional(DisputeStatusSchema), cursor: Type.Optional(CursorSchema), limit: Type.Optional(LimitSchema) },
  { additionalProperties: false },
);

export type DisputeInput = Static<typeof DisputeInputSchema>;
export type ResolveInput = Static<typeof ResolveInputSchema>;
export type DisputeView = Static<typeof DisputeSchema>;
