import type { FieldError } from '../../errors.js';
import type { RecordInput } from '../records/compose.js';
import { bodyError, type Parsed } from './entries.js';

/*
 * CSV (RFC 4180) with a header row naming its columns, in any order (docs/imports.md "CSV"):
 * type and effectiveAt are required; value, unit, systolic, diastolic, answers (integers
 * separated by spaces or semicolons), text, progress and category as the record bodies have
 * them. An empty cell is an absent field. Errors name the data row (`rows.1` is the first row
 * after the header) and column.
 */

export const csvColumns = ['type', 'effectiveAt', 'category', 'value', 'unit', 'systolic', 'diastolic', 'answers', 'text', 'progress'] as const;
type Column = (typeof csvColumns)[number];

/** Splits CSV text into rows of fields: quoted fields may hold commas, quotes ("") and line breaks. */
export function csvRows(text: string): { rows: string[][]; error?: string } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < body.length) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && body[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (quoted) return { rows, error: `a quoted field opened on row ${rows.length} is never closed` };
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return { rows: rows.filter((r) => !(r.length === 1 && r[0] === '')) };
}

const number = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** CSV text into record bodies, every problem named by row and column. */
export function parseCsv(text: string): Parsed {
  const out: Parsed = { entries: [], leftOut: 0, errors: [] };
  const { rows, error } = csvRows(text);
  if (error) {
    out.errors.push(bodyError('(root)', error));
    return out;
  }
  const header = rows.shift()?.map((h) => h.trim());
  if (!header) {
    out.errors.push(bodyError('(root)', `needs a header row naming the columns (${csvColumns.join(', ')})`));
    return out;
  }
  header.forEach((h, i) => {
    if (!(csvColumns as readonly string[]).includes(h)) out.errors.push(bodyError(`header.${i}`, `"${h}" is not a column (${csvColumns.join(', ')})`));
    else if (header.indexOf(h) !== i) out.errors.push(bodyError(`header.${i}`, `"${h}" appears twice`));
  });
  for (const required of ['type', 'effectiveAt'] as const) if (!header.includes(required)) out.errors.push(bodyError('header', `needs a ${required} column`));
  if (out.errors.length) return out;
  rows.forEach((cells, r) => {
    const field = `rows.${r + 1}`;
    if (cells.length !== header.length) {
      out.errors.push(bodyError(field, `has ${cells.length} cells; the header has ${header.length}`));
      return;
    }
    const errors: FieldError[] = [];
    const input: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const cell = cells[i]!;
      if (cell === '') return;
      const column = h as Column;
      if (column === 'value' || column === 'systolic' || column === 'diastolic' || column === 'progress') {
        if (!number.test(cell.trim())) errors.push(bodyError(`${field}.${column}`, `"${cell}" is not a number`));
        else input[column] = Number(cell.trim());
      } else if (column === 'answers') {
        const parts = cell.trim().split(/[\s;]+/);
        if (!parts.every((p) => /^-?\d+$/.test(p))) errors.push(bodyError(`${field}.answers`, 'must be whole numbers separated by spaces or semicolons'));
        else input.answers = parts.map(Number);
      } else input[column] = column === 'text' ? cell : cell.trim();
    });
    for (const required of ['type', 'effectiveAt'] as const) if (input[required] === undefined) errors.push(bodyError(`${field}.${required}`, 'is required'));
    if (errors.length) out.errors.push(...errors);
    else out.entries.push({ field, input: input as unknown as RecordInput });
  });
  return out;
}
