import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';
import { TesseraError } from './errors.js';
import type { Deps } from './core/deps.js';
import { newAjv } from './core/validation.js';
import { ProblemSchema } from './core/schemas.js';
import { initCrypto } from './crypto/aead.js';
import accountRoutes from './features/accounts/routes.js';
import catalogueRoutes from './features/catalogue/routes.js';
import bespokeRoutes from './features/catalogue/bespoke-routes.js';
import { refreshBespoke } from './features/catalogue/bespoke.js';
import healthRoutes from './features/health/routes.js';
import ownRecordRoutes from './features/records/routes.js';
import { RecordSchema } from './features/records/schemas.js';
import tokenRoutes from './features/tokens/routes.js';
import { LoginLimiter, type LoginLimits } from './features/tokens/login-limiter.js';
import { securityHeaders } from './plugins/security-headers.js';
import { counterStore } from './plugins/rate-limit-store.js';
import appWeb from './app-web/plugin.js';
import accessPlugin from './plugins/access.js';
import authPlugin from './plugins/auth.js';
import accessLogRoutes from './features/access-log/routes.js';
import accessRequestRoutes from './features/access-requests/routes.js';
import grantRoutes from './features/grants/routes.js';
import { GrantSchema } from './features/grants/schemas.js';
import organisationRoutes from './features/organisations/routes.js';
import supporterRecordRoutes from './features/records/supporter-routes.js';
import alertRoutes from './features/alerts/routes.js';
import watchRoutes from './features/watches/routes.js';
import webhookRoutes from './features/webhooks/routes.js';
import exportRoutes from './features/export/routes.js';
import delegateRoutes from './features/delegates/routes.js';
import notificationRoutes from './features/notifications/routes.js';
import referralRoutes from './features/referrals/routes.js';
import disputeRoutes from './features/disputes/routes.js';
import fhirRoutes from './features/fhir/routes.js';
import importRoutes from './features/imports/routes.js';
import bulkRoutes from './features/bulk/routes.js';
import emergencyRoutes from './features/emergency/routes.js';
import trendRoutes from './features/trends/routes.js';
import outcomeRoutes from './features/outcomes/routes.js';
import inputPlugin from './plugins/input.js';
import errorsPlugin, { clientErrorHandler, frameworkErrors } from './plugins/errors.js';

export interface AppOptions {
  /** Built once by the composition root (src/compose.ts). */
  deps: Deps;
  /** Pino options, or false for silence (tests). */
  logger?: FastifyServerOptions['logger'];
  limits?: Partial<RateLimits>;
  /** Login limits other than the defaults (tests). */
  loginLimits?: Partial<LoginLimits>;
  /** How often the webhook outbox is polled (ms). */
  webhookIntervalMs?: number;
  /** How often unacknowledged alerts are checked for escalation (ms). */
  escalationIntervalMs?: number;
}

/** Requests per minute per IP on the unauthenticated, abusable endpoints. */
export interface RateLimits {
  token: number;
  signUp: number;
  /** Access requests per minute per requesting account. */
  accessRequests: number;
}

const defaultLimits: RateLimits = { token: 300, signUp: 60, accessRequests: 30 };

/** Never log secrets or health content (docs/security.md "Logs"): pino drops these paths. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
];

/**
 * Request lines are logged by route template (`/v1/subjects/:subjectId/records`), never by path:
 * a path carries whose data was read and with which filters, which does not belong in logs
 * next to an address (docs/security.md, "Logs").
 */
export const requestSerializer = (request: FastifyRequest) => ({
  method: request.method,
  url: request.routeOptions?.url ?? '(no route)',
  id: request.id,
  remoteAddress: request.ip,
});

function loggerOptions(config: Config) {
  return { level: config.logLevel, redact: { paths: redactPaths, censor: '[redacted]' }, serializers: { req: requestSerializer } };
}

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown fields refused), while
 * query strings and path parameters, which arrive as text, are coerced to their schema types.
 */
function validatorCompiler() {
  const body = newAjv(false);
  const text = newAjv('array');
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) => (httpPart === 'body' ? body : text).compile(schema);
}

function trustHops(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

/**
 * Builds the HTTP application; never listens (tests inject, server.ts listens).
 * @returns the ready Fastify instance
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  await initCrypto();
  const { deps } = options;
  const { config } = deps;
  const limits = { ...defaultLimits, ...options.limits };
  if (options.loginLimits) deps.loginThrottle = new LoginLimiter(deps.storage.counters, options.loginLimits);

  const app = Fastify({
    logger:
      options.logger === false ? false : { ...loggerOptions(config), ...(typeof options.logger === 'object' && options.logger !== null ? options.logger : {}) },
    bodyLimit: config.bodyLimitBytes,
    // An array this long in an answer is a dense series' offsets or values, or a log entry's
    // record ids: numbers and strings, which JSON.stringify writes as the compiled serializer
    // would, in one pass instead of a string per element (on Node 20 the serializer's own
    // fast path starts at 300,000). Every array of objects is a page of at most 500.
    serializerOpts: { largeArrayMechanism: 'json-stringify', largeArraySize: 1000 },
    // The header limit is stated, not inherited, so --max-http-header-size cannot move it. A
    // missing Host is refused by plugins/input.ts as problem+json, not by Node's bare 400.
    http: { maxHeaderSize: config.headerLimitBytes, requireHostHeader: false },
    routerOptions: { maxParamLength: config.pathParamMaxLength },
    // What Node or the router refuse before a route runs answers problem+json too.
    frameworkErrors,
    clientErrorHandler,
    // A hop count trusts that many proxies nearest to us; addresses trust only those proxies.
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    genReqId: () => randomUUID(),
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    // Shutdown is handled below, so its 503 is problem+json like every other error.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler());

  await app.register(errorsPlugin);
  await app.register(inputPlugin, { maxDepth: config.jsonDepthLimit });
  // Draining on SIGTERM: requests already in flight finish and are told to close their
  // connection, so idle keep-alive sockets do not hold the exit; new requests get a 503.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new TesseraError('TESSERA_UNAVAILABLE', 'The service is shutting down; retry shortly');
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  securityHeaders(app, {
    // JSON only: nothing here should load, frame or run anything (Swagger UI sets its own CSP).
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  // Counted in storage, so a limit holds across every instance on the database.
  await app.register(rateLimit, { global: false, store: counterStore(deps.storage.counters, deps.clock) });
  await app.register(authPlugin, deps);
  await app.register(accessPlugin, deps);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera',
        version: '0.1.0',
        description: 'A personal data store with consented data slices for health and wellbeing records.',
      },
      servers: [{ url: config.publicUrl }],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) => header,
  });

  app.addSchema(ProblemSchema);
  app.addSchema(RecordSchema);
  app.addSchema(GrantSchema);

  app.get(
    '/openapi.json',
    { config: { auth: 'public' }, schema: { hide: true } },
    async () => app.swagger(),
  );
  // Organisations' published measures: loaded now, and again when the copy is two seconds old
  // (docs/outcomes.md "Bespoke measures"), before any route reads the catalogue.
  await refreshBespoke(deps, true);
  app.addHook('preValidation', async () => refreshBespoke(deps));
  await app.register(healthRoutes, { deps });
  await app.register(catalogueRoutes, { deps });
  await app.register(bespokeRoutes, { deps });
  await app.register(tokenRoutes, { deps, ratePerMinute: limits.token });
  await app.register(accountRoutes, { deps, signUpPerMinute: limits.signUp });
  await app.register(ownRecordRoutes, { deps });
  await app.register(supporterRecordRoutes, { deps });
  await app.register(grantRoutes, { deps });
  await app.register(accessRequestRoutes, { deps, perMinute: limits.accessRequests });
  await app.register(accessLogRoutes, { deps });
  await app.register(organisationRoutes, { deps });
  await app.register(watchRoutes, { deps });
  await app.register(alertRoutes, { deps, escalationIntervalMs: options.escalationIntervalMs ?? 15_000 });
  await app.register(webhookRoutes, { deps, intervalMs: options.webhookIntervalMs ?? 1000 });
  await app.register(exportRoutes, { deps });
  await app.register(delegateRoutes, { deps });
  await app.register(notificationRoutes, { deps });
  await app.register(referralRoutes, { deps });
  await app.register(disputeRoutes, { deps });
  await app.register(emergencyRoutes, { deps });
  await app.register(appWeb, { prefix: '/app', deps, limits });
  await app.register(trendRoutes, { deps });
  await app.register(outcomeRoutes, { deps });
  await app.register(fhirRoutes, { deps, version: '0.1.0' });
  await app.register(importRoutes, { deps, maxDepth: config.jsonDepthLimit });
  await app.register(bulkRoutes, { deps });

  await app.ready();
  return app;
}
