import type { GrantRow, RecordQuery, Scope, Slice } from '../storage/contract.js';

/**
 * The grant-slice predicate, defined once as data. Storage compiles it to SQL for each dialect
 * (src/storage/slice-sql.ts) and the domain evaluates it in memory ({@link matches}), so the
 * query that selects records and the check that says which grants allowed them cannot drift
 * apart, and no adapter can select more than a grant covers (docs/architecture.md).
 */
export type Predicate =
  | { op: 'all' }
  | { op: 'none' }
  | { op: 'in'; field: 'category' | 'type'; values: string[] }
  | { op: 'gte' | 'lte'; field: 'effectiveAt'; value: number }
  | { op: 'and' | 'or'; parts: Predicate[] };

/** The metadata a predicate reads; the rest of a record stays sealed. */
export interface SliceFields {
  category: string;
  type: string;
  effectiveAt: number;
}

const ALL: Predicate = { op: 'all' };
const NONE: Predicate = { op: 'none' };

function and(parts: Predicate[]): Predicate {
  if (parts.some((p) => p.op === 'none')) return NONE;
  const kept = parts.filter((p) => p.op !== 'all');
  if (kept.length === 0) return ALL;
  return kept.length === 1 ? kept[0]! : { op: 'and', parts: kept };
}

function or(parts: Predicate[]): Predicate {
  if (parts.some((p) => p.op === 'all')) return ALL;
  const kept = parts.filter((p) => p.op !== 'none');
  if (kept.length === 0) return NONE;
  return kept.length === 1 ? kept[0]! : { op: 'or', parts: kept };
}

/** An empty list matches nothing: a grant naming no category covers no record. */
function inList(field: 'category' | 'type', values: string[]): Predicate {
  return values.length === 0 ? NONE : { op: 'in', field, values };
}

/** @returns the predicate of one slice: its categories, types and window (inclusive) */
export function slicePredicate(s: Slice): Predicate {
  const parts: Predicate[] = [];
  if (s.categories) parts.push(inList('category', s.categories));
  if (s.types) parts.push(inList('type', s.types));
  if (s.from !== null) parts.push({ op: 'gte', field: 'effectiveAt', value: s.from });
  if (s.to !== null) parts.push({ op: 'lte', field: 'effectiveAt', value: s.to });
  return and(parts);
}

/** A person's whole store: the scope of their own reads, and of checks made on their behalf. */
export function ownScope(subjectId: string): Scope {
  return { subjectId, slices: [{ categories: null, types: null, from: null, to: null }] };
}

/** @returns the union of a scope's slices; an empty scope matches nothing (deny by default) */
export function scopePredicate(scope: Scope): Predicate {
  return or(scope.slices.map(slicePredicate));
}

/** @returns a scope narrowed by a list query's filters (they can only narrow it) */
export function queryPredicate(scope: Scope, q: Pick<RecordQuery, 'categories' | 'types' | 'from' | 'to'>): Predicate {
  const parts = [scopePredicate(scope)];
  if (q.categories) parts.push(inList('category', q.categories));
  if (q.types) parts.push(inList('type', q.types));
  if (q.from !== undefined) parts.push({ op: 'gte', field: 'effectiveAt', value: q.from });
  if (q.to !== undefined) parts.push({ op: 'lte', field: 'effectiveAt', value: q.to });
  return and(parts);
}

/** Evaluates a predicate on a record's metadata, exactly as the compiled SQL does. */
export function matches(p: Predicate, r: SliceFields): boolean {
  switch (p.op) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'in':
      return p.values.includes(r[p.field]);
    case 'gte':
      return r.effectiveAt >= p.value;
    case 'lte':
      return r.effectiveAt <= p.value;
    case 'and':
      return p.parts.every((q) => matches(q, r));
    case 'or':
      return p.parts.some((q) => matches(q, r));
  }
}

/** @returns the slice of a person's store that grant terms cover */
export function sliceOf(t: { categories: string[]; types: string[] | null; fromAt: number | null; toAt: number | null }): Slice {
  return { categories: t.categories, types: t.types, from: t.fromAt, to: t.toAt };
}

/** @returns the grants whose slice holds a record with this metadata */
export function grantsCovering(grants: GrantRow[], r: SliceFields): GrantRow[] {
  return grants.filter((g) => matches(slicePredicate(sliceOf(g)), r));
}

/** An inclusive stretch of time, epoch ms; the ends may be infinite. */
export type Interval = [number, number];

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [a0, a1] of a) {
    for (const [b0, b1] of b) {
      const lo = Math.max(a0, b0);
      const hi = Math.min(a1, b1);
      if (lo <= hi) out.push([lo, hi]);
    }
  }
  return union(out);
}

function union(parts: Interval[]): Interval[] {
  const sorted = [...parts].sort((x, y) => x[0] - y[0]);
  const out: Interval[] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/**
 * The moments a predicate selects for records of one category and type, as disjoint
 * intervals in time order: what {@link matches} answers for each moment, worked out once, so a
 * day of readings is cut by a binary search instead of a test per reading.
 */
export function momentsOf(p: Predicate, r: Omit<SliceFields, 'effectiveAt'>): Interval[] {
  switch (p.op) {
    case 'all':
      return [[-Infinity, Infinity]];
    case 'none':
      return [];
    case 'in':
      return p.values.includes(r[p.field]) ? [[-Infinity, Infinity]] : [];
    case 'gte':
      return [[p.value, Infinity]];
    case 'lte':
      return [[-Infinity, p.value]];
    case 'and':
      return p.parts.reduce<Interval[]>((acc, q) => intersect(acc, momentsOf(q, r)), [[-Infinity, Infinity]]);
    case 'or':
      return union(p.parts.flatMap((q) => momentsOf(q, r)));
  }
}
