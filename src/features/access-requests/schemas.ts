import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';
import { TermsProperties } from '../grants/schemas.js';

export const AccessRequestInputSchema = Type.Object({ ...TermsProperties }, { additionalProperties: false });

/** An approval may narrow what was asked for, never widen it. */
export const ApproveSchema = Type.Object(
  {
    categories: Type.Optional(TermsProperties.categories),
    types: TermsProperties.types,
    from: Type.Optional(InstantQuerySchema),
    to: Type.Optional(InstantQuerySchema),
    expiresAt: TermsProperties.expiresAt,
  },
  { additionalProperties: false },
);

export const AcceptedSchema = Type.Object({
  id: UuidSchema,
  status: Type.Literal('pending'),
  createdAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
});

export const AccessRequestSchema = Type.Object({
  id: UuidSchema,
  subjectId: UuidSchema,
  requester: Type.Object({
    accountId: UuidSchema,
    organisationId: Type.Union([UuidSchema, Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  access: Type.String(),
  categories: Type.Array(Type.String()),
  types: Type.Union([Type.Array(Type.String()), Type.Null()]),
  from: Type.Union([DateTimeSchema, Type.Null()]),
  to: Type.Union([DateTimeSchema, Type.Null()]),
  purpose: Type.String(),
  purposeText: Type.Union([Type.String(), Type.Null()]),
  grantExpiresAt: Type.String({ format: 'date-time', description: 'Expiry asked for the grant' }),
  createdAt: DateTimeSchema,
  expiresAt: Type.String({ format: 'date-time', description: 'When the request lapses undecided (30 days)' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied'), Type.Literal('expired')]),
  decidedAt: Type.Union([DateTimeSchema, Type.Null()]),
  grantId: Type.Union([UuidSchema, Type.Null()]),
});

export const AccessRequestListSchema = ListSchema(AccessRequestSchema);

export const AccessRequestQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')])),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export type AccessRequestInput = Static<typeof AccessRequestInputSchema>;
export type ApproveInput = Static<typeof ApproveSchema>;
export type AccessRequestView = Static<typeof AccessRequestSchema>;
export type Accepted = Static<typeof AcceptedSchema>;

export const RenewalSchema = Type.Object({
  ...AcceptedSchema.properties,
  renewalOf: UuidSchema,
});
