import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Deps } from '../../core/deps.js';
import { OAuthError } from '../../errors.js';
import { LoginLimiter } from './login-limiter.js';
import { OAuthErrorSchema, RevokeRequestSchema, TokenRequestSchema, TokenResponseSchema, type TokenResponse } from './schemas.js';
import { passwordGrant, refreshGrant, revokeToken, type TokenContext } from './service.js';

export interface TokenRouteOptions {
  deps: Deps;
  limiter?: LoginLimiter;
  /** Token requests per minute per IP (all grants). */
  ratePerMinute: number;
  /** Grant handlers added by other features (client_credentials). */
  extraGrants?: Record<string, (ctx: TokenContext, body: Record<string, unknown>) => Promise<TokenResponse>>;
}


const tokenRoutes: FastifyPluginAsyncTypebox<TokenRouteOptions> = async (app, { deps, limiter = new LoginLimiter(), ratePerMinute, extraGrants = {} }) => {
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
      config: { auth: 'public', rateLimit },
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
      const ctx: TokenContext = { sign: (claims) => app.jwt.sign(claims), limiter, ip: request.ip };
      const body = request.body;
      let result: TokenResponse;
      if (body.grant_type === 'password') result = await passwordGrant(deps, ctx, body);
      else if (body.grant_type === 'refresh_token') result = await refreshGrant(deps, ctx, body);
      else if (extraGrants[body.grant_type]) result = await extraGrants[body.grant_type]!(ctx, body);
      else throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${body.grant_type} is not supported`);
      // RFC 6749 §5.1: token responses must not be cached.
      reply.header('pragma', 'no-cache');
      return result;
    },
  );

  app.post(
    '/v1/token/revoke',
    {
      config: { auth: 'public', rateLimit: { ...rateLimit } },
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
};

export default tokenRoutes;
