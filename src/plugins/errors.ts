import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { fieldErrors, type AjvError } from '../core/validation.js';
import { errorCodes, OAuthError, TesseraError, ValidationError, type ErrorCode, type FieldError } from '../errors.js';

/**
 * The one place errors become answers: RFC 9457 problem+json everywhere, except the OAuth
 * token endpoint's RFC 6749 §5.2 bodies. 5xx details are logged, never sent.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `oauth`: every 4xx of the route is an RFC 6749 §5.2 body, as OAuth clients parse them.
     * `fhir`: every error is a FHIR OperationOutcome (`application/fhir+json`), same status.
     */
    errors?: 'oauth' | 'fhir';
  }
}

/** @param requestId the request's id, or a fresh one where Node refused the request before Fastify saw it */
export function problem(requestId: string, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}) {
  const { status, title } = errorCodes[code];
  return {
    type: `urn:tessera:problem:${code.slice('TESSERA_'.length).toLowerCase().replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
    instance: `urn:uuid:${requestId}`,
    ...extra,
  };
}

function sendOAuth(reply: FastifyReply, status: number, error: string, description: string, headers: Record<string, string> = {}) {
  reply
    .code(status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...headers })
    .type('application/json; charset=utf-8')
    .send({ error, error_description: description });
}

/** FHIR R4 issue-type codes (http://hl7.org/fhir/issue-type) for our statuses. */
const issueCodes: Record<number, string> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  408: 'timeout',
  409: 'conflict',
  413: 'too-costly',
  415: 'not-supported',
  429: 'throttled',
  431: 'too-costly',
};

/** A problem as a FHIR OperationOutcome: one issue, or one per field for validation. */
export function operationOutcome(body: ReturnType<typeof problem> & { errors?: FieldError[] }) {
  const code = issueCodes[body.status] ?? (body.status >= 500 ? 'exception' : 'processing');
  const details = { coding: [{ system: 'urn:tessera:problem', code: body.code }], text: body.title };
  const issue = body.errors?.length
    ? body.errors.map((e) => ({ severity: 'error', code: e.detail === 'is required' ? 'required' : code, details, diagnostics: `${e.in} ${e.field}: ${e.detail}`, expression: [e.field] }))
    : [{ severity: body.status >= 500 ? 'fatal' : 'error', code, details, diagnostics: body.detail }];
  return { resourceType: 'OperationOutcome', id: body.instance.slice('urn:uuid:'.length), issue };
}

function speaksFhir(reply: FastifyReply): boolean {
  const config = reply.request.routeOptions?.config as { errors?: string } | undefined;
  return config?.errors === 'fhir' || (config?.errors === undefined && reply.request.url.startsWith('/fhir/'));
}

function sendProblem(reply: FastifyReply, body: ReturnType<typeof problem>, headers: Record<string, string> = {}) {
  if (speaksFhir(reply)) {
    reply.code(body.status).headers(headers).type('application/fhir+json; charset=utf-8').send(operationOutcome(body));
    return;
  }
  // On the token endpoints even the HTTP layer's errors (bad JSON, 413, 415) speak OAuth: a
  // problem body there would also fail their response schemas and turn into a 500.
  if (body.status < 500 && reply.request.routeOptions.config.errors === 'oauth') {
    sendOAuth(reply, body.status, body.status === 401 ? 'invalid_client' : 'invalid_request', body.detail, headers);
    return;
  }
  reply.code(body.status).headers(headers).type('application/problem+json; charset=utf-8').send(body);
}

/** Maps Fastify's own client errors (parsing, limits) onto our codes. */
function fromFastify(err: FastifyError): { code: ErrorCode; detail: string } | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'TESSERA_PAYLOAD_TOO_LARGE', detail: 'The request body exceeds the 1 MiB limit' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'TESSERA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send application/json (the token endpoint also takes application/x-www-form-urlencoded)' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'TESSERA_BAD_JSON', detail: 'The body is empty but the content type says JSON' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'TESSERA_BAD_JSON', detail: 'The body is not valid JSON' };
  }
  if (err instanceof SyntaxError) return { code: 'TESSERA_BAD_JSON', detail: 'The body is not valid JSON' };
  if (err.code?.startsWith('FST_JWT_')) return { code: 'TESSERA_UNAUTHENTICATED', detail: 'A valid access token is required' };
  if (err.statusCode === 429) return { code: 'TESSERA_RATE_LIMITED', detail: 'Too many requests; slow down' };
  if (err.statusCode === 413) return { code: 'TESSERA_PAYLOAD_TOO_LARGE', detail: 'The request is too large' };
  if (err.statusCode === 415) return { code: 'TESSERA_UNSUPPORTED_MEDIA_TYPE', detail: 'Unsupported content type' };
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return { code: 'TESSERA_BAD_REQUEST', detail: 'The request could not be understood' };
  return undefined;
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before any route runs (a URL that does
 * not decode, a path parameter over `maxParamLength`), which otherwise answer Fastify's own JSON.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const detail =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'A path segment is too long to be an id of this service'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'The URL is not validly percent-encoded'
        : 'The request could not be routed';
  const body = problem(request.id, 'TESSERA_BAD_REQUEST', detail);
  if (speaksFhir(reply)) reply.code(body.status).type('application/fhir+json; charset=utf-8').send(operationOutcome(body));
  else reply.code(body.status).type('application/problem+json; charset=utf-8').send(body);
}

/**
 * Fastify's `clientErrorHandler`: Node's HTTP parser refused the request (headers over the
 * limit, a malformed request line, a timeout) before there was a request object. Answers
 * problem+json on the raw socket, then closes it, as Node does.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'TESSERA_HEADERS_TOO_LARGE'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'TESSERA_REQUEST_TIMEOUT'
        : 'TESSERA_BAD_REQUEST';
  const detail =
    code === 'TESSERA_HEADERS_TOO_LARGE'
      ? 'The request line and headers are larger than this service accepts'
      : code === 'TESSERA_REQUEST_TIMEOUT'
        ? 'The request was not received in time'
        : 'The request is not valid HTTP/1.1';
  const body = problem(randomUUID(), code, detail);
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: application/problem+json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

async function errorsPlugin(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OAuthError) {
      sendOAuth(reply, error.status, error.error, error.message, error.headers);
      return;
    }
    if (error instanceof ValidationError) {
      sendProblem(reply, problem(request.id, error.code, error.message, { errors: error.errors }));
      return;
    }
    if (error instanceof TesseraError) {
      if (error.status >= 500) request.log.error({ err: error }, 'request failed');
      sendProblem(reply, problem(request.id, error.code, error.message), error.headers);
      return;
    }
    if (error.validation) {
      const errors = fieldErrors(error.validation as AjvError[], error.validationContext);
      const detail = errors.map((e) => `${e.in} ${e.field}: ${e.detail}`).join('; ');
      sendProblem(reply, problem(request.id, 'TESSERA_VALIDATION', detail, { errors }));
      return;
    }
    const known = fromFastify(error);
    if (known) {
      const headers: Record<string, string> = {};
      const retry = reply.getHeader('retry-after');
      if (retry !== undefined) headers['retry-after'] = String(retry);
      if (known.code === 'TESSERA_UNAUTHENTICATED') headers['www-authenticate'] = 'Bearer realm="tessera", error="invalid_token"';
      sendProblem(reply, problem(request.id, known.code, known.detail), headers);
      return;
    }
    request.log.error({ err: error }, 'unhandled error');
    sendProblem(reply, problem(request.id, 'TESSERA_INTERNAL', 'An internal error occurred; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem(request.id, 'TESSERA_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}

export default fp(errorsPlugin, { name: 'tessera-errors' });
