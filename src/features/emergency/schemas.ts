import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';

export const MAX_EMERGENCY_MINUTES = 240;

export const EmergencyPolicyInputSchema = Type.Object(
  {
    organisations: Type.Array(UuidSchema, { minItems: 1, maxItems: 20, uniqueItems: true, description: 'Organisations whose practitioners may break glass' }),
    categories: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64, uniqueItems: true }),
    maxMinutes: Type.Integer({ minimum: 1, maximum: MAX_EMERGENCY_MINUTES, description: 'How long one emergency access lasts, at most 240 minutes' }),
  },
  { additionalProperties: false },
);

export const EmergencyPolicySchema = Type.Object({
  organisations: Type.Array(Type.Object({ id: UuidSchema, name: Type.Union([Type.String(), Type.Null()]) })),
  categories: Type.Array(Type.String()),
  maxMinutes: Type.Integer(),
  updatedAt: DateTimeSchema,
});

export const EmergencyRequestSchema = Type.Object(
  { reason: Type.String({ minLength: 10, maxLength: 1000, description: 'Why this is an emergency; the person reads it' }) },
  { additionalProperties: false },
);

export const EmergencyGrantSchema = Type.Object({ grantId: UuidSchema, expiresAt: DateTimeSchema, categories: Type.Array(Type.String()) });

export const EmergencyAccessSchema = Type.Object({
  grantId: UuidSchema,
  subjectId: UuidSchema,
  organisationId: UuidSchema,
  practitioner: Type.Object({ accountId: UuidSchema, name: Type.Union([Type.String(), Type.Null()]) }),
  openedAt: DateTimeSchema,
  expiresAt: DateTimeSchema,
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Shown to the person and to the organisation that opened it' }),
  flaggedAt: Type.Union([DateTimeSchema, Type.Null()], { description: 'When the person flagged it as unjustified' }),
  flagStatement: Type.Union([Type.String(), Type.Null()]),
});

export const FlagInputSchema = Type.Object({ statement: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });

export type EmergencyPolicyInput = Static<typeof EmergencyPolicyInputSchema>;
export type EmergencyPolicyView = Static<typeof EmergencyPolicySchema>;
export type EmergencyAccessView = Static<typeof EmergencyAccessSchema>;
