import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';
import { GranteeSchema, TermsProperties } from '../grants/schemas.js';

export const ReferralInputSchema = Type.Object(
  {
    referTo: GranteeSchema,
    categories: TermsProperties.categories,
    types: TermsProperties.types,
    from: TermsProperties.from,
    to: TermsProperties.to,
    purpose: TermsProperties.purpose,
    expiresAt: TermsProperties.expiresAt,
    note: Type.Optional(Type.String({ maxLength: 1000, description: 'Why, in words, for the person; stored encrypted with their key' })),
  },
  { additionalProperties: false },
);

const Party = Type.Object({ accountId: Type.Union([UuidSchema, Type.Null()]), organisationId: Type.Union([UuidSchema, Type.Null()]), name: Type.Union([Type.String(), Type.Null()]) });

export const ReferralSchema = Type.Object({
  id: UuidSchema,
  subjectId: UuidSchema,
  referrer: Party,
  referTo: Party,
  categories: Type.Array(Type.String()),
  types: Type.Union([Type.Array(Type.String()), Type.Null()]),
  from: Type.Union([DateTimeSchema, Type.Null()]),
  to: Type.Union([DateTimeSchema, Type.Null()]),
  purpose: Type.String(),
  note: Type.Union([Type.String(), Type.Null()], { description: 'Shown to the person only' }),
  grantExpiresAt: DateTimeSchema,
  createdAt: DateTimeSchema,
  status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('denied')]),
  decidedAt: Type.Union([DateTimeSchema, Type.Null()]),
  grantId: Type.Union([UuidSchema, Type.Null()]),
});

export type ReferralInput = Static<typeof ReferralInputSchema>;
export type ReferralView = Static<typeof ReferralSchema>;
