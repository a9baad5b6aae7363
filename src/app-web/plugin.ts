import formbody from '@fastify/formbody';
import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { RateLimits } from '../app.js';
import { clearedActingCookie, clearedSessionCookie } from '../core/cookies.js';
import type { Deps } from '../core/deps.js';
import { ForbiddenError, TesseraError, UnauthenticatedError } from '../errors.js';
import { ActingEndedError, OutsidePowersError } from '../plugins/auth.js';
import assetRoutes from './routes/assets.js';
import careRoutes from './routes/care.js';
import citizenRoutes from './routes/citizen.js';
import delegationRoutes from './routes/delegations.js';
import emergencyRoutes from './routes/emergency.js';
import notificationRoutes from './routes/notifications.js';
import referralRoutes from './routes/referrals.js';
import sessionRoutes from './routes/session.js';
import sharingRoutes from './routes/sharing.js';
import supporterRoutes from './routes/supporter.js';
import outcomePageRoutes from './routes/outcomes.js';
import { errorPage } from './pages/error.js';
import { chromeExtras } from './routes/chrome.js';
import type { ChromeExtras } from './views/layout.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** What every page's navigation shows besides its links (src/app-web/routes/chrome.ts). */
    appChrome: ChromeExtras | null;
  }
}

export interface AppWebOptions {
  deps: Deps;
  limits: RateLimits;
}

/**
 * Strict CSP: scripts, styles, images and connections only from this origin, no inline script
 * or style, no framing, forms post only here. `Referrer-Policy: same-origin` (helmet's global
 * `no-referrer` would make Chromium send `Origin: null` on the app's own form posts).
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

function pageHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', APP_CSP).header('referrer-policy', 'same-origin');
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

class CrossOriginError extends ForbiddenError {}

/**
 * The web app (docs/web-app.md): server-rendered pages over the same services, authentication
 * and authorization as the JSON API. Registered under /app; hidden from /openapi.json.
 */
const appWeb: FastifyPluginAsync<AppWebOptions> = async (app, opts) => {
  // Form posts only here; the JSON API keeps refusing form bodies with a 415.
  await app.register(formbody);
  const ownOrigin = new URL(opts.deps.config.publicUrl).origin;

  app.addHook('onRequest', async (request, reply) => {
    pageHeaders(reply);
    // CSRF defence for every state change, logged in or not (login CSRF too): browsers always
    // send Origin on a POST, so one that is missing or foreign is refused.
    if (!SAFE_METHODS.has(request.method) && request.headers.origin !== ownOrigin) {
      throw new CrossOriginError(`Origin ${request.headers.origin ?? '(none)'} is not ${ownOrigin}`);
    }
  });

  app.decorateRequest('appChrome', null);
  app.addHook('preHandler', async (request) => {
    if (request.actor) request.appChrome = await chromeExtras(opts.deps, request.actor);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    pageHeaders(reply);
    if (error instanceof ActingEndedError) {
      // The delegation ended: the browser acts for its own account again, and is told why.
      return reply.header('set-cookie', clearedActingCookie(opts.deps.config)).redirect('/app/delegations?done=ended', 303);
    }
    if (error instanceof UnauthenticatedError) {
      // A stale cookie (logged out, revoked, erased) is dropped on the way to the login page.
      if (request.headers.cookie) reply.header('set-cookie', clearedSessionCookie(opts.deps.config));
      return reply.redirect('/app/login', 303);
    }
    const status = error instanceof TesseraError ? error.status : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'app page failed');
    const kind = error instanceof CrossOriginError ? 'cross-origin' : error instanceof OutsidePowersError ? 'acting' : error.validation ? 'validation' : undefined;
    return errorPage(request, reply, status, kind);
  });

  app.setNotFoundHandler((request, reply) => {
    pageHeaders(reply);
    return errorPage(request, reply, 404);
  });

  // Not `opts` itself: it carries the /app prefix, which the children already inherit.
  const shared: AppWebOptions = { deps: opts.deps, limits: opts.limits };
  await app.register(assetRoutes);
  await app.register(sessionRoutes, shared);
  await app.register(citizenRoutes, shared);
  await app.register(sharingRoutes, shared);
  await app.register(supporterRoutes, shared);
  await app.register(outcomePageRoutes, shared);
  await app.register(notificationRoutes, shared);
  await app.register(careRoutes, shared);
  await app.register(delegationRoutes, shared);
  await app.register(referralRoutes, shared);
  await app.register(emergencyRoutes, shared);
};

export default appWeb;
