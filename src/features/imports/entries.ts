import type { FieldError } from '../../errors.js';
import type { RecordInput } from '../records/compose.js';
import type { SeriesInput } from '../series/compose.js';

/** One thing to import, named as the source names it (`entry.3`, `dataPoints.2`, `rows.7`). */
export interface Entry {
  /** Field path of the entry in the body, for errors. */
  field: string;
  input: RecordInput;
}

/**
 * Many readings of one dense measure from one source entry (a FHIR SampledData), kept as
 * columns: a day of minute readings is two arrays, not 1,440 record bodies.
 */
export type SeriesEntry = SeriesInput;

/** What a parser makes of a body: the entries to import, those it leaves out (and why), and what it refuses. */
export interface Parsed {
  entries: Entry[];
  /** Dense readings, from formats that carry them as series. */
  series?: SeriesEntry[];
  /** Entries that are not records of their own (a FHIR Patient, a score derived from answers in the same Bundle). */
  leftOut: number;
  errors: FieldError[];
}

/** A field error at `field` (dotted path) of the body. */
export function bodyError(field: string, detail: string): FieldError {
  return { field, pointer: `/${field.replace(/\./g, '/')}`, in: 'body', detail };
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
