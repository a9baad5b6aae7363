import { Type, type Static } from 'typebox';
import { CursorSchema, DateTimeSchema, InstantQuerySchema, LimitSchema, ListSchema, UuidSchema } from '../../core/schemas.js';
import { purposeCodes } from './purposes.js';

const CodeList = (what: string, minItems: number) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems, maxItems: 64, uniqueItems: true, description: `${what} codes from the catalogue` });

export const PurposeSchema = Type.Union(
  purposeCodes.map((c) => Type.Literal(c)),
  { description: 'Coded purpose of use (see /v1/catalogue/purposes)' },
);

/** The terms of a grant or of an access request. */
export const TermsProperties = {
  access: Type.Union([Type.Literal('read'), Type.Literal('append')]),
  categories: CodeList('Category', 1),
  types: Type.Optional(CodeList('Type', 1)),
  from: Type.Optional(InstantQuerySchema),
  to: Type.Optional(InstantQuerySchema),
  purpose: PurposeSchema,
  purposeText: Type.Optional(Type.String({ maxLength: 500, description: 'Purpose in words; stored encrypted' })),
  expiresAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default 90 days from now; at most 2 years' })),
};

export const GranteeSchema = Type.Union([
  Type.Object({ accountId: UuidSchema }, { additionalProperties: false }),
  Type.Object({ organisationId: UuidSchema }, { additionalProperties: false }),
]);

export const MembersSchema = Type.Union([Type.Literal('practitioners'), Type.Literal('clients'), Type.Literal('all')], {
  description:
    'Organisation grants only: which of its accounts the grant reaches. Default `practitioners` for read, `all` for append (providers’ systems push)',
});

export const ShareNameSchema = Type.Boolean({
  description: 'Whether the grantee sees your display name (in its caseload, alerts and reads); default true for purpose direct-care, else false',
});

export const GrantInputSchema = Type.Object(
  {
    grantee: GranteeSchema,
    members: Type.Optional(MembersSchema),
    ...TermsProperties,
    access: Type.Union([Type.Literal('read'), Type.Literal('append'), Type.Literal('aggregate')], {
      description: '`aggregate`: outcome-reporting consent to an organisation (purpose `outcome-reporting`); counted in its aggregates, never readable',
    }),
    shareName: Type.Optional(ShareNameSchema),
  },
  { additionalProperties: false },
);

export const GrantUpdateSchema = Type.Object({ shareName: ShareNameSchema }, { additionalProperties: false });

export const GrantSchema = Type.Object(
  {
    id: UuidSchema,
    subjectId: UuidSchema,
    grantee: Type.Object({ accountId: Type.Optional(UuidSchema), organisationId: Type.Optional(UuidSchema) }),
    granteeName: Type.Union([Type.String(), Type.Null()], { description: 'Who the grantee is, for people reading the list' }),
    members: Type.Union([MembersSchema, Type.Null()], { description: 'For organisation grants, which of its accounts it reaches; null for a grant to one account' }),
    access: Type.String(),
    categories: Type.Array(Type.String()),
    types: Type.Union([Type.Array(Type.String()), Type.Null()]),
    from: Type.Union([DateTimeSchema, Type.Null()]),
    to: Type.Union([DateTimeSchema, Type.Null()]),
    purpose: Type.String(),
    purposeText: Type.Union([Type.String(), Type.Null()]),
    expiresAt: DateTimeSchema,
    createdAt: DateTimeSchema,
    revokedAt: Type.Union([DateTimeSchema, Type.Null()]),
    status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
    requestId: Type.Union([UuidSchema, Type.Null()]),
    receipt: Type.String({ description: 'Consent receipt: compact JWS, verifiable against /.well-known/jwks.json' }),
    revocationReceipt: Type.Optional(Type.String()),
    shareName: Type.Boolean({ description: 'Whether the grantee sees the person’s display name while the grant is active' }),
    subjectName: Type.Optional(
      Type.Union([Type.String(), Type.Null()], { description: 'In a supporter’s caseload: the person’s display name, if they share it with you' }),
    ),
  },
  { $id: 'Grant' },
);

export const GrantListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')])),
    subjectId: Type.Optional(UuidSchema),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export const OwnGrantListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')])),
    cursor: Type.Optional(CursorSchema),
    limit: Type.Optional(LimitSchema),
  },
  { additionalProperties: false },
);

export const GrantListSchema = ListSchema(Type.Ref('Grant'));

export const PreviewSchema = Type.Object({
  total: Type.Integer(),
  byCategory: Type.Record(Type.String(), Type.Integer()),
  byType: Type.Record(Type.String(), Type.Integer()),
  first: Type.Union([DateTimeSchema, Type.Null()]),
  last: Type.Union([DateTimeSchema, Type.Null()]),
});

export const GrantParamsSchema = Type.Object({ id: UuidSchema }, { additionalProperties: false });

export type GrantInput = Static<typeof GrantInputSchema>;
export type GrantView = Static<typeof GrantSchema>;
export type Preview = Static<typeof PreviewSchema>;
export type TermsInput = Omit<GrantInput, 'grantee'>;
