import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Helmet's response headers on every route. Its middleware is built once here: @fastify/helmet
 * built it anew on every request, parsing the CSP directives each time (about 3% of a slice
 * read's CPU in `npm run bench`). Pages and Swagger UI set their own CSP after this.
 */
export function securityHeaders(app: FastifyInstance, options: HelmetOptions): void {
  const middleware = helmet(options);
  app.addHook('onRequest', (request, reply, done) => {
    middleware(request.raw, reply.raw, () => done());
  });
}
