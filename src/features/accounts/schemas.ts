import { Type, type Static } from 'typebox';
import { DateTimeSchema, UuidSchema } from '../../core/schemas.js';

export const SignUpSchema = Type.Object(
  {
    handle: Type.String({ minLength: 1, maxLength: 64, description: 'Login name: 3–64 of a-z 0-9 . _ @ + - (case-insensitive)' }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'At least 12 characters, not a common password' }),
    displayName: Type.String({ minLength: 1, maxLength: 100, description: 'How Tessera addresses you; stored encrypted' }),
  },
  { additionalProperties: false },
);

export const SignedUpSchema = Type.Object({
  accountId: UuidSchema,
  subjectId: UuidSchema,
  handle: Type.String(),
  displayName: Type.String(),
  createdAt: DateTimeSchema,
});

export const MeSchema = Type.Object({
  accountId: UuidSchema,
  kind: Type.String(),
  handle: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  subjectId: Type.Union([UuidSchema, Type.Null()]),
  organisationId: Type.Union([UuidSchema, Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTimeSchema,
});

export type SignUpInput = Static<typeof SignUpSchema>;
export type SignedUp = Static<typeof SignedUpSchema>;
export type Me = Static<typeof MeSchema>;
