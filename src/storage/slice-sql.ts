import { and, gte, inArray, lte, or, sql, type Column, type SQL } from 'drizzle-orm';
import type { Predicate } from '../core/slice.js';

/**
 * Compilers of the grant-slice predicate (src/core/slice.ts) for the adapters: to drizzle SQL,
 * which renders for SQLite and PostgreSQL alike, and to parameterised text for the prepared
 * statements of the hot read path. Both emit only what the predicate says: an `all` is `1 = 1`,
 * a `none` is `0 = 1`, so a scope with no slice selects nothing.
 */

export interface SliceColumns {
  category: Column;
  type: Column;
  effectiveAt: Column;
}

/** @returns the predicate as a drizzle condition on these columns */
export function predicateSql(p: Predicate, c: SliceColumns): SQL {
  switch (p.op) {
    case 'all':
      return sql`1 = 1`;
    case 'none':
      return sql`0 = 1`;
    case 'in':
      return inArray(p.field === 'category' ? c.category : c.type, p.values);
    case 'gte':
      return gte(c.effectiveAt, p.value);
    case 'lte':
      return lte(c.effectiveAt, p.value);
    case 'and':
      return and(...p.parts.map((q) => predicateSql(q, c)))!;
    case 'or':
      return or(...p.parts.map((q) => predicateSql(q, c)))!;
  }
}

/** Column names in SQL text, and how a dialect writes the next parameter (`?` or `$n`). */
export interface TextTarget {
  columns: { category: string; type: string; effectiveAt: string };
  param: (value: unknown) => string;
  /**
   * For rows that span a stretch of time (series chunks, one UTC day each): a bound selects a
   * row with any moment on its side (`>= v`: the last reading; `<= v`: the first), and the day
   * column bounds the index range. Readings are then cut exactly by `matches` (src/core/slice.ts) in memory.
   */
  span?: { day: string; first: string; last: string };
}

const DAY_MS = 86_400_000;

/**
 * @returns the predicate as SQL text whose parameters went through `target.param`. The text
 *   depends only on the predicate's shape (how many codes and bounds), so prepared statements
 *   keyed on it are reused.
 */
export function predicateText(p: Predicate, target: TextTarget): string {
  switch (p.op) {
    case 'all':
      return '1 = 1';
    case 'none':
      return '0 = 1';
    case 'in':
      return `${target.columns[p.field]} IN (${p.values.map((v) => target.param(v)).join(', ')})`;
    case 'gte':
      if (target.span) return `(${target.span.day} > ${target.param(p.value - DAY_MS)} AND ${target.span.last} >= ${target.param(p.value)})`;
      return `${target.columns.effectiveAt} >= ${target.param(p.value)}`;
    case 'lte':
      if (target.span) return `(${target.span.day} <= ${target.param(p.value)} AND ${target.span.first} <= ${target.param(p.value)})`;
      return `${target.columns.effectiveAt} <= ${target.param(p.value)}`;
    case 'and':
      return `(${p.parts.map((q) => predicateText(q, target)).join(' AND ')})`;
    case 'or':
      return `(${p.parts.map((q) => predicateText(q, target)).join(' OR ')})`;
  }
}
