import { Ajv, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../errors.js';

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
  const base: AjvOptions = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };
  return addFormats(new Ajv({ ...base, coerceTypes }));
}

export interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const partNames: Record<string, FieldError['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** @returns Ajv's errors as the field errors problem+json answers carry */
export function fieldErrors(errors: AjvError[], context: string | undefined): FieldError[] {
  const where = partNames[context ?? 'body'] ?? 'body';
  return errors.map((e) => {
    let pointer = e.instancePath;
    let detail = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      pointer += `/${String(e.params.missingProperty)}`;
      detail = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      pointer += `/${String(e.params.additionalProperty)}`;
      detail = 'is not an allowed field';
    } else if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) {
      detail = `must be one of ${e.params.allowedValues.join(', ')}`;
    }
    const field = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .join('.');
    return { field: field || '(root)', pointer, in: where, detail };
  });
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
