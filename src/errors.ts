/**
 * Every error the service answers with. Services throw these; plugins/errors.ts turns them
 * into RFC 9457 problem+json. docs/errors.md lists the same codes (a test keeps them in step).
 */

export interface FieldError {
  /** Dotted path of the offending field, e.g. `answers.2` or `query.limit`. */
  field: string;
  /** JSON Pointer into the part of the request (RFC 6901), e.g. `/answers/2`. */
  pointer: string;
  /** Which part of the request: body, query, params or headers. */
  in: 'body' | 'query' | 'params' | 'headers';
  detail: string;
}

export const errorCodes = {
  TESSERA_VALIDATION: { status: 400, title: 'Request validation failed' },
  TESSERA_BAD_JSON: { status: 400, title: 'Malformed JSON body' },
  TESSERA_BAD_REQUEST: { status: 400, title: 'Bad request' },
  TESSERA_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  TESSERA_FORBIDDEN: { status: 403, title: 'Not allowed' },
  TESSERA_NOT_FOUND: { status: 404, title: 'Not found' },
  TESSERA_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  TESSERA_CONFLICT: { status: 409, title: 'Conflict' },
  TESSERA_PAYLOAD_TOO_LARGE: { status: 413, title: 'Request body too large' },
  TESSERA_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  TESSERA_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  TESSERA_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  TESSERA_INTEGRITY: { status: 500, title: 'Stored data failed its integrity check' },
  TESSERA_INTERNAL: { status: 500, title: 'Internal error' },
  TESSERA_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class TesseraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  /** Extra headers the answer must carry (Retry-After, WWW-Authenticate). */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = new.target.name;
    this.code = code;
    this.status = errorCodes[code].status;
    this.title = errorCodes[code].title;
    this.headers = headers;
  }
}

export class ValidationError extends TesseraError {
  readonly errors: FieldError[];
  constructor(errors: FieldError[], detail?: string) {
    super('TESSERA_VALIDATION', detail ?? errors.map((e) => `${e.field}: ${e.detail}`).join('; '));
    this.errors = errors;
  }

  /** One invalid body field. */
  static body(field: string, detail: string): ValidationError {
    return new ValidationError([{ field, pointer: toPointer(field), in: 'body', detail }]);
  }

  static query(field: string, detail: string): ValidationError {
    return new ValidationError([{ field, pointer: toPointer(field), in: 'query', detail }]);
  }
}

export class UnauthenticatedError extends TesseraError {
  constructor(detail = 'A valid access token is required') {
    // RFC 6750 §3: a protected resource answers 401 with a Bearer challenge.
    super('TESSERA_UNAUTHENTICATED', detail, { 'www-authenticate': 'Bearer realm="tessera"' });
  }
}

export class ForbiddenError extends TesseraError {
  constructor(detail: string) {
    super('TESSERA_FORBIDDEN', detail);
  }
}

export class NotFoundError extends TesseraError {
  constructor(detail = 'No such resource') {
    super('TESSERA_NOT_FOUND', detail);
  }
}

export class ConflictError extends TesseraError {
  constructor(detail: string) {
    super('TESSERA_CONFLICT', detail);
  }
}

export class RateLimitedError extends TesseraError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, detail = 'Too many attempts; try again later') {
    super('TESSERA_RATE_LIMITED', detail, { 'retry-after': String(retryAfterSeconds) });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A ciphertext or wrapped key did not open: the stored row was moved or edited. */
export class IntegrityError extends TesseraError {
  constructor(detail = 'A stored record failed its integrity check and was not returned') {
    super('TESSERA_INTEGRITY', detail);
  }
}

/** Errors of the OAuth token endpoint, answered as RFC 6749 §5.2 JSON, not problem+json. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;
  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'OAuthError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }
}

/** Invalid configuration: reported as one line at start-up, never a stack trace. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function toPointer(field: string): string {
  return field === '' ? '' : '/' + field.split('.').map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}
