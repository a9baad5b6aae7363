import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actingCookieName, BROWSER_SESSION_SECONDS, clearedActingCookie, clearedSessionCookie, readCookie, sessionCookie } from '../../core/cookies.js';
import type { Deps } from '../../core/deps.js';
import { bodyErrors } from '../../core/validation.js';
import { randomToken, sessionIdOfSecret } from '../../crypto/secrets.js';
import { ConflictError, OAuthError, RateLimitedError, ValidationError, type FieldError } from '../../errors.js';
import { SignUpSchema } from '../../features/accounts/schemas.js';
import { signUp } from '../../features/accounts/service.js';
import { checkPasswordLogin, endSession, openSession } from '../../features/tokens/service.js';
import type { AccountRow } from '../../storage/contract.js';
import { actorOf } from '../../plugins/auth.js';
import { messages } from '../messages.js';
import { LoginPage, SignUpPage } from '../pages/session.js';
import type { AppWebOptions } from '../plugin.js';
import { chromeOf, FormSchema, list, sendPage, text } from '../render.js';

const everyone = ['citizen' as const, 'practitioner' as const, 'client' as const, 'admin' as const];

/** Where each kind of account starts. */
function homeOf(kind: AccountRow['kind']): string {
  return kind === 'practitioner' ? '/app/people' : '/app/';
}

/**
 * Logs the browser in: a session row made as the password grant makes one, whose id is the
 * digest of a fresh random secret that only the HttpOnly cookie holds.
 */
async function startSession(deps: Deps, request: FastifyRequest, reply: FastifyReply, account: Pick<AccountRow, 'id' | 'kind'>): Promise<FastifyReply> {
  const secret = randomToken();
  await openSession(deps, account.id, sessionIdOfSecret(secret), BROWSER_SESSION_SECONDS * 1000);
  // A new login acts for its own account, whatever an earlier one in this browser acted for.
  const acting = readCookie(request.headers.cookie, actingCookieName(deps.config)) ? [clearedActingCookie(deps.config)] : [];
  return reply.header('set-cookie', [sessionCookie(deps.config, secret), ...acting]).redirect(homeOf(account.kind), 303);
}

const notices: Record<string, string> = { 'logged-out': messages.login.loggedOut, erased: messages.login.erased };

const sessionRoutes: FastifyPluginAsyncTypebox<AppWebOptions> = async (app, { deps, limits }) => {
  // The same limits as the token and sign-up endpoints, per client IP.
  const loginRate = { max: limits.token, timeWindow: 60_000 };
  const signUpRate = { max: limits.signUp, timeWindow: 60_000 };
  const NoticeQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false });

  app.get('/login', { config: { auth: 'public' }, schema: { hide: true, querystring: NoticeQuery } }, async (request, reply) =>
    sendPage(reply, <LoginPage chrome={chromeOf(request, messages.login.title, notices[request.query.done ?? ''])} errors={[]} />),
  );

  app.post(
    '/login',
    { config: { auth: 'public', rateLimit: loginRate }, schema: { hide: true, body: FormSchema(['handle', 'password']) } },
    async (request, reply) => {
      const handle = text(request.body, 'handle');
      const password = typeof request.body.password === 'string' ? request.body.password : '';
      const errors: FieldError[] = [];
      if (!handle) errors.push({ field: 'handle', pointer: '/handle', in: 'body', detail: 'is required' });
      if (!password) errors.push({ field: 'password', pointer: '/password', in: 'body', detail: 'is required' });
      if (errors.length === 0) {
        try {
          return await startSession(deps, request, reply, await checkPasswordLogin(deps, request.ip, handle, password));
        } catch (e) {
          if (!(e instanceof OAuthError)) throw e;
          const wait = e.headers['retry-after'];
          if (wait) reply.header('retry-after', wait);
          errors.push({ field: 'password', pointer: '/password', in: 'body', detail: wait ? messages.login.limited(wait) : messages.login.failed });
          reply.code(e.status);
        }
      }
      const status = reply.statusCode >= 400 ? reply.statusCode : 400;
      return sendPage(reply, <LoginPage chrome={chromeOf(request, messages.login.title)} errors={errors} handle={handle} />, status);
    },
  );

  app.get('/signup', { config: { auth: 'public' }, schema: { hide: true } }, async (request, reply) =>
    sendPage(reply, <SignUpPage chrome={chromeOf(request, messages.signup.title)} errors={[]} values={{}} />),
  );

  app.post(
    '/signup',
    { config: { auth: 'public', rateLimit: signUpRate }, schema: { hide: true, body: FormSchema(['handle', 'password', 'displayName']) } },
    async (request, reply) => {
      // As typed: the service normalises and checks them, as it does a JSON sign-up.
      const raw = (name: string) => list(request.body, name)[0] ?? '';
      const input = { handle: raw('handle'), password: raw('password'), displayName: raw('displayName') };
      // Checked by the sign-up route's own schema first, then by the service, as a JSON sign-up is.
      let errors = bodyErrors(SignUpSchema, input);
      if (errors.length === 0) {
        try {
          const { accountId } = await signUp(deps, input, request.ip);
          return await startSession(deps, request, reply, { id: accountId, kind: 'citizen' });
        } catch (e) {
          if (e instanceof ValidationError) errors = e.errors;
          else if (e instanceof ConflictError || e instanceof RateLimitedError) {
            errors = [{ field: 'handle', pointer: '/handle', in: 'body', detail: e.message }];
            if (e instanceof RateLimitedError) reply.header('retry-after', String(e.retryAfterSeconds)).code(429);
          } else throw e;
        }
      }
      return sendPage(
        reply,
        <SignUpPage chrome={chromeOf(request, messages.signup.title)} errors={errors} values={{ handle: input.handle, displayName: input.displayName }} />,
        reply.statusCode === 429 ? 429 : 400,
      );
    },
  );

  app.post('/logout', { config: { auth: everyone, credentials: 'cookie', ownWhileActing: true }, schema: { hide: true } }, async (request, reply) => {
    await endSession(deps, actorOf(request).sessionId, 'logout');
    return reply.header('set-cookie', [clearedSessionCookie(deps.config), clearedActingCookie(deps.config)]).redirect('/app/login?done=logged-out', 303);
  });
};

export default sessionRoutes;
