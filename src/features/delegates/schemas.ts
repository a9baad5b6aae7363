import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';

export const powerCodes = ['read-records', 'add-records', 'manage-sharing'] as const;
export const basisCodes = ['consent', 'lasting-power-of-attorney', 'deputyship', 'parental-responsibility'] as const;

export const PowerSchema = Type.Union(
  powerCodes.map((p) => Type.Literal(p)),
  { description: '`read-records`: your records; `add-records`: add records for you; `manage-sharing`: grants, requests, watches and your access log' },
);

export const DelegateInputSchema = Type.Object(
  {
    delegate: Type.Object({ accountId: UuidSchema }, { additionalProperties: false }),
    powers: Type.Array(PowerSchema, { minItems: 1, maxItems: 3, uniqueItems: true }),
    basis: Type.Union(
      basisCodes.map((b) => Type.Literal(b)),
      { description: 'Why they may act for you: your consent, or a legal authority' },
    ),
    expiresAt: Type.String({ format: 'date-time', description: 'When the delegation ends; at most 3 years from now' }),
  },
  { additionalProperties: false },
);

export const DelegationSchema = Type.Object({
  id: UuidSchema,
  subjectId: UuidSchema,
  person: Type.Object({ accountId: UuidSchema, name: Type.Union([Type.String(), Type.Null()]) }),
  delegate: Type.Object({ accountId: UuidSchema, name: Type.Union([Type.String(), Type.Null()]) }),
  powers: Type.Array(Type.String()),
  basis: Type.String(),
  expiresAt: DateTimeSchema,
  createdAt: DateTimeSchema,
  revokedAt: Type.Union([DateTimeSchema, Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked')]),
  receipt: Type.String({ description: 'Compact JWS of the delegation’s terms, verifiable against /.well-known/jwks.json' }),
  revocationReceipt: Type.Optional(Type.String()),
});

export const DelegationTokenSchema = Type.Object({
  access_token: Type.String({ description: 'A JWT whose `sub` is the person’s account and `act.sub` yours (RFC 8693 §4.1)' }),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
});

export type DelegateInput = Static<typeof DelegateInputSchema>;
export type DelegationView = Static<typeof DelegationSchema>;
