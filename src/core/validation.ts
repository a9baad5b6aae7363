import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../errors.js';
import { dateTimeProblem } from './time.js';

/**
 * Schema validation as the HTTP layer does it, and Ajv's errors turned into field errors, so
 * a body built by the web app from a form is checked by the very schema its JSON route uses
 * and its errors name the same fields.
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are checked strictly (no type coercion, unknown fields refused), while query strings
 * and path parameters, which arrive as text, are coerced to their schema types.
 * @returns a new Ajv with the service's options and formats
 */
export function newAjv(coerceTypes: false | 'array'): Ajv {
  // verbose: errors carry the schema and the data, so fieldErrors can list a union's allowed
  // values and tell a date without a time zone from one that is not a date.
  const base: AjvOptions = { allErrors: true, verbose: true, removeAdditional: false, useDefaults: true, strict: false };
  return addFormats(new Ajv({ ...base, coerceTypes }));
}

export interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  /** With ajv's `verbose` (app.ts): the schema value of the keyword, its parent schema and the data. */
  schema?: unknown;
  parentSchema?: Record<string, unknown>;
  data?: unknown;
}

const partNames: Record<string, FieldError['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

type Branch = { const?: unknown; type?: unknown; properties?: Record<string, unknown>; required?: string[] };

/** @returns how a person would write one branch of a union: `"read"`, or `{"accountId"}` */
function describeBranch(b: Branch): string | undefined {
  if ('const' in b) return typeof b.const === 'string' ? b.const : JSON.stringify(b.const);
  if (b.type === 'object' && b.properties) return `{${Object.keys(b.properties).map((k) => `"${k}"`).join(', ')}}`;
  if (typeof b.type === 'string') return `a ${b.type}`;
  return undefined;
}

/** @returns the fix for a body that is missing or not an object: the fields to send */
function wholeBodyDetail(e: AjvError, part: FieldError['in']): string {
  const props = e.parentSchema?.properties as Record<string, unknown> | undefined;
  const required = (e.parentSchema?.required as string[] | undefined) ?? [];
  if (part !== 'body' || !props) return e.message ?? 'is invalid';
  const example = `{${required.map((k) => `"${k}": …`).join(', ')}}`;
  const got = e.data === undefined || e.data === null ? 'no body was sent' : `got ${Array.isArray(e.data) ? 'an array' : typeof e.data}`;
  return required.length ? `send a JSON object such as ${example} (${got})` : `send a JSON object (${got})`;
}

function detailOf(e: AjvError, part: FieldError['in']): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'enum':
      return Array.isArray(e.params.allowedValues) ? `must be one of ${e.params.allowedValues.join(', ')}` : 'is not an allowed value';
    case 'const':
      return `must be ${String(e.params.allowedValue)}`;
    case 'anyOf': {
      const branches = Array.isArray(e.schema) ? (e.schema as Branch[]).map(describeBranch) : [];
      if (!branches.length || branches.includes(undefined)) return 'does not match any of the allowed shapes';
      const got = typeof e.data === 'string' ? ` (got "${e.data.slice(0, 64)}")` : '';
      return `must be one of ${branches.join(', ')}${got}`;
    }
    case 'format':
      if (e.params.format === 'date-time') return dateTimeProblem(e.data);
      if (e.params.format === 'uuid') return 'must be a UUID, e.g. 0191e8a2-5c4b-7d3e-9f10-2a3b4c5d6e7f';
      return e.message ?? 'is invalid';
    case 'type':
      if (e.instancePath === '') return wholeBodyDetail(e, part);
      return e.message ?? 'is invalid';
    default:
      return e.message ?? 'is invalid';
  }
}

/** @returns the one object branch of a union whose fields the data holds and no other's, if any */
function meantBranch(e: AjvError): number | undefined {
  if (!Array.isArray(e.schema) || typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) return undefined;
  const keys = Object.keys(e.data);
  if (keys.length === 0) return undefined;
  const fits = (e.schema as Branch[]).flatMap((b, i) => (b.type === 'object' && b.properties && keys.every((k) => k in b.properties!) ? [i] : []));
  return fits.length === 1 ? fits[0] : undefined;
}

/**
 * Turns ajv's errors into one entry per problem. A union (`anyOf`) answers once, listing what
 * it allows, instead of once per branch that did not match; every other problem of the same
 * request part is kept, so a sender sees all of them at once (docs/errors.md).
 */
export function fieldErrors(errors: AjvError[], context: string | undefined): FieldError[] {
  const where = partNames[context ?? 'body'] ?? 'body';
  const unionErrors = errors.filter((e) => e.keyword === 'anyOf');
  const unions = unionErrors.map((e) => `${e.schemaPath}/`);
  // An object that names one branch's own fields ({"accountId": "x"}) meant that branch: its
  // problems say more ("accountId must be a UUID") than the list of shapes does.
  const meant = unionErrors.flatMap((e) => {
    const i = meantBranch(e);
    return i === undefined ? [] : [{ union: e, prefix: `${e.schemaPath}/${i}/` }];
  });
  const kept = errors.filter((e) => {
    const chosen = meant.find((m) => m.union === e || e.schemaPath.startsWith(m.prefix));
    if (chosen) return chosen.union !== e;
    return !unions.some((u) => e.schemaPath.startsWith(u));
  });
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of kept) {
    let pointer = e.instancePath;
    if (e.keyword === 'required') pointer += `/${String(e.params.missingProperty)}`;
    else if (e.keyword === 'additionalProperties') pointer += `/${String(e.params.additionalProperty)}`;
    const detail = detailOf(e, where);
    const key = `${pointer} ${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const field = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    out.push({ field: field || '(root)', pointer, in: where, detail });
  }
  return out;
}


const bodies = newAjv(false);
const compiled = new WeakMap<object, ValidateFunction>();

/** @returns the field errors of `value` against a body schema (none when it is valid) */
export function bodyErrors(schema: object, value: unknown): FieldError[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = bodies.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) ? [] : fieldErrors((validate.errors ?? []) as AjvError[], 'body');
}
