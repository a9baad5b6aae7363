import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';
import { SignUpSchema } from '../accounts/schemas.js';

export const organisationKinds = ['gp-practice', 'social-prescribing', 'provider', 'other'] as const;
/** `manager` may define the organisation's own measures (docs/outcomes.md "Bespoke measures"). */
export const practitionerRoles = ['gp', 'nurse', 'link-worker', 'social-worker', 'coach', 'manager', 'other'] as const;

export const OrganisationInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.Union(organisationKinds.map((k) => Type.Literal(k))),
  },
  { additionalProperties: false },
);

export const OrganisationSchema = Type.Object({ id: UuidSchema, name: Type.String(), kind: Type.String(), createdAt: DateTimeSchema });

export const PractitionerInputSchema = Type.Object(
  { ...SignUpSchema.properties, role: Type.Union(practitionerRoles.map((r) => Type.Literal(r))) },
  { additionalProperties: false },
);

export const PractitionerSchema = Type.Object({
  accountId: UuidSchema,
  organisationId: UuidSchema,
  handle: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  createdAt: DateTimeSchema,
});

export const ClientInputSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    jwks: Type.Object(
      { keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10 }) },
      { description: 'The client’s public keys (Ed25519 or P-256) for private_key_jwt' },
    ),
  },
  { additionalProperties: false },
);

export const ClientSchema = Type.Object({
  clientId: UuidSchema,
  organisationId: UuidSchema,
  name: Type.String(),
  createdAt: DateTimeSchema,
  tokenEndpoint: Type.String(),
  jwks: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
});

export const DisabledSchema = Type.Object({ accountId: UuidSchema, disabledAt: DateTimeSchema, grantsRevoked: Type.Integer() });

export const OrgParamsSchema = Type.Object({ orgId: UuidSchema }, { additionalProperties: false });
export const MemberParamsSchema = Type.Object({ orgId: UuidSchema, accountId: UuidSchema }, { additionalProperties: false });

export type OrganisationInput = Static<typeof OrganisationInputSchema>;
export type PractitionerInput = Static<typeof PractitionerInputSchema>;
export type ClientInput = Static<typeof ClientInputSchema>;
