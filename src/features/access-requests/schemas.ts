import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';
import { ShareNameSchema, TermsProperties } from '../grants/schemas.js';

export const AccessRequestInputSchema = Type.Object({ ...TermsProperties }, { additionalProperties: false });

/** An approval may narrow what was asked for, never widen it. */
export const ApproveSchema = Type.Object(
  {
    categories: Type.Optional(TermsProperties.categories),
    types: TermsProperties.types,
    from: Type.Optional(InstantQuerySchema),
    to: Type.Optional(InstantQuerySchema),
    expiresAt: TermsProperties.expiresAt,
    shareName: Type.Optional(ShareNameSchema),
  },
  { additionalProperties: false },
);

export const InviteInputSchema = Type.Object(
  { expiresInMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 7 * 24 * 60, description: 'How long the code works: 5 minutes to 7 days (default 1 day)' })) },
  { additionalProperties: false },
);

export const InviteSchema = Type.Object({
  id: UuidSchema,
  code: Type.String({ description: 'Give this to the supporter; it works once, until expiresAt. Case and dashes do not matter' }),
  createdAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
});

export const InvitedRequestSchema = Type.Object(
  { invite: Type.String({ minLength: 1, maxLength: 32, description: 'The code the person gave you' }), ...TermsProperties },
  { additionalProperties: false },
);

export const InvitedAcceptedSchema = Type.Object({
  id: UuidSchema,
  status: Type.Literal('pending'),
  createdAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
  subjectId: UuidSchema,
});

export const AcceptedSchema = Type.Object({
  id: UuidSchema,
  status: Type.Literal('pending'),
  createdAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
});

/** A request as its sender sees it: its own terms and the outcome. */
export const SentRequestSchema = Type.Object({
  id: UuidSchema,
  subjectId: UuidSchema,
  access: Type.String(),
  categories: Type.Array(Type.String()),
  types: Type.Union([Type.Array(Type.String()), Type.Null()]),
  from: Type.Union([DateTimeSchema, Type.Null()]),
  to: Type.Union([DateTimeSchema, Type.Null()]),
  purpose: Type.String(),
  grantExpiresAt: Type.String({ format: 'date-time', description: 'Expiry asked for the grant' }),
  createdAt: DateTimeSchema,
  expiresAt: Type.String({ format: 'date-time', description: 'When the request lapses undecided (30 days)' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied'), Type.Literal('expired')]),
  decidedAt: Type.Union([DateTimeSchema, Type.Null()]),
  grantId: Type.Union([UuidSchema, Type.Null()]),
});

/** A request as the person sees it: also who asks, and why in their words. */
export const AccessRequestSchema = Type.Object({
  ...SentRequestSchema.properties,
  requester: Type.Object({
    accountId: UuidSchema,
    organisationId: Type.Union([UuidSchema, Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()]),
  }),
  purposeText: Type.Union([Type.String(), Type.Null()]),
});

export const SentRequestListSchema = ListSchema(SentRequestSchema);

export const SentRequestQuerySchema = Type.Object({ cursor: Type.Optional(CursorSchema), limit: Type.Optional(LimitSchema) }, { additionalProperties: false });

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
export type InviteInput = Static<typeof InviteInputSchema>;
export type InviteView = Static<typeof InviteSchema>;
export type InvitedRequestInput = Static<typeof InvitedRequestSchema>;
export type SentRequestView = Static<typeof SentRequestSchema>;

export const RenewalSchema = Type.Object({
  ...AcceptedSchema.properties,
  renewalOf: UuidSchema,
});
