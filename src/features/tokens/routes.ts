import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { OAuthError } from '../../errors.js';
import { clientCredentialsGrant, JWT_BEARER } from './client-credentials.js';
import { assertionAlgorithms } from '../../crypto/client-keys.js';
import { OAuthErrorSchema, RevokeRequestSchema, TokenRequestSchema, TokenResponseSchema, type TokenResponse } from './schemas.js';
import { passwordGrant, refreshGrant, revokeToken, type TokenContext } from './service.js';

export interface TokenRouteOptions {
  deps: Deps;
  /** Token requests per minute per IP (all grants). */
  ratePerMinute: number;
}


const tokenRoutes: FastifyPluginAsyncTypebox<TokenRouteOptions> = async (app, { deps, ratePerMinute }) => {
  // Form bodies only here (RFC 6749 §4.3.2); elsewhere they are a 415, not a parse attempt.
  await app.register(formbody);
  const rateLimit = {
    max: ratePerMinute,
    timeWindow: 60_000,
    // The token endpoint answers in RFC 6749 shape, even when rate limited.
    errorResponseBuilder: (_req: unknown, ctx: { after: string }) =>
      new OAuthError(429, 'invalid_request', `Too many token requests; retry after ${ctx.after}`),
  };

  app.post(
    '/v1/token',
    {
      config: { auth: 'public', rateLimit, errors: 'oauth' },
      attachValidation: true,
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 token endpoint (password, refresh_token, client_credentials)',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: TokenRequestSchema,
        response: { 200: TokenResponseSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema },
      },
    },
    async (request, reply) => {
      if (request.validationError) throw new OAuthError(400, 'invalid_request', request.validationError.message);
      const ctx: TokenContext = { sign: (claims) => app.signAccessToken(claims), ip: request.ip };
      const body = request.body;
      let result: TokenResponse;
      if (body.grant_type === 'password') result = await passwordGrant(deps, ctx, body);
      else if (body.grant_type === 'refresh_token') result = await refreshGrant(deps, ctx, body);
      else if (body.grant_type === 'client_credentials') result = await clientCredentialsGrant(deps, ctx, body);
      else throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${body.grant_type} is not supported`);
      // RFC 6749 §5.1: token responses must not be cached.
      reply.header('pragma', 'no-cache');
      return result;
    },
  );

  app.post(
    '/v1/token/revoke',
    {
      config: { auth: 'public', rateLimit: { ...rateLimit }, errors: 'oauth' },
      attachValidation: true,
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 token revocation (RFC 7009): ends the token’s whole session',
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: RevokeRequestSchema,
        response: { 200: Type.Object({}), 400: OAuthErrorSchema },
      },
    },
    async (request) => {
      if (request.validationError) throw new OAuthError(400, 'invalid_request', request.validationError.message);
      await revokeToken(deps, request.body.token);
      return {};
    },
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 authorization server metadata (RFC 8414)',
        response: {
          200: Type.Object({
            issuer: Type.String(),
            token_endpoint: Type.String(),
            revocation_endpoint: Type.String(),
            jwks_uri: Type.String(),
            grant_types_supported: Type.Array(Type.String()),
            response_types_supported: Type.Array(Type.String()),
            token_endpoint_auth_methods_supported: Type.Array(Type.String()),
            token_endpoint_auth_signing_alg_values_supported: Type.Array(Type.String()),
            revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
            client_assertion_types_supported: Type.Array(Type.String()),
            service_documentation: Type.String(),
          }),
        },
      },
    },
    async (_request, reply) => {
      const base = deps.config.publicUrl;
      reply.header('cache-control', 'public, max-age=300');
      return {
        // RFC 8414 §3.3: the issuer must equal the configured public URL exactly.
        issuer: base,
        token_endpoint: `${base}/v1/token`,
        revocation_endpoint: `${base}/v1/token/revoke`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        grant_types_supported: ['password', 'refresh_token', 'client_credentials'],
        // No authorization endpoint: no browser redirect flows.
        response_types_supported: [],
        token_endpoint_auth_methods_supported: ['private_key_jwt', 'none'],
        token_endpoint_auth_signing_alg_values_supported: [...assertionAlgorithms],
        revocation_endpoint_auth_methods_supported: ['none'],
        client_assertion_types_supported: [JWT_BEARER],
        service_documentation: `${base}/docs`,
      };
    },
  );
};

export default tokenRoutes;
