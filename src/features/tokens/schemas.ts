import { Type, type Static } from 'typebox';

/**
 * RFC 6749 token request, as JSON or application/x-www-form-urlencoded. Unknown parameters are
 * ignored, as RFC 6749 §3.2 requires.
 */
export const TokenRequestSchema = Type.Object(
  {
    grant_type: Type.String({ maxLength: 128, description: '`password`, `refresh_token` or `client_credentials`' }),
    username: Type.Optional(Type.String({ maxLength: 256, description: 'The handle (password grant)' })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    refresh_token: Type.Optional(Type.String({ maxLength: 512 })),
    scope: Type.Optional(Type.String({ maxLength: 1024 })),
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_assertion_type: Type.Optional(Type.String({ maxLength: 256 })),
    client_assertion: Type.Optional(Type.String({ maxLength: 16384 })),
  },
  { additionalProperties: true },
);

export const TokenResponseSchema = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
});

export const OAuthErrorSchema = Type.Object({ error: Type.String(), error_description: Type.String() });

/** RFC 7009 revocation request. */
export const RevokeRequestSchema = Type.Object(
  {
    token: Type.String({ maxLength: 16384 }),
    token_type_hint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: true },
);

export type TokenRequest = Static<typeof TokenRequestSchema>;
export type TokenResponse = Static<typeof TokenResponseSchema>;
