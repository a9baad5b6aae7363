import type { Deps } from '../../core/deps.js';
import { openRecord } from '../../crypto/envelope.js';
import { ValidationError, type FieldError } from '../../errors.js';
import type { RecordQuery, RecordRow, Scope } from '../../storage/contract.js';
import type { TypeDef } from '../catalogue/model.js';
import type { RecordContent } from '../records/compose.js';

/**
 * One number per record, for trends and outcome reporting alike (docs/outcomes.md): a scored
 * instrument's score, one item of an instrument reported per item (ONS4), a measure's value or
 * one of its components, a goal's progress or a need's intensity.
 */
export interface SeriesSelector {
  item?: number | undefined;
  component?: string | undefined;
}

export type SeriesReader = (c: RecordContent) => { score: number; band: string | null } | undefined;

function fieldError(field: string, part: FieldError['in'], detail: string): ValidationError {
  return new ValidationError([{ field, pointer: `/${field}`, in: part, detail }]);
}

/**
 * @returns how to read the series' number from a record of this type
 * @throws ValidationError naming `type`, `item` or `component` when they do not fit the type
 */
export function seriesReader(def: TypeDef, sel: SeriesSelector, part: FieldError['in']): SeriesReader {
  const q = def.questionnaire;
  const components = def.measure?.components;
  if (sel.item !== undefined && !(q && q.scoring.total === 'none')) throw fieldError('item', part, `is not used by "${def.code}", which has a total score`);
  if (sel.component !== undefined && !components) throw fieldError('component', part, `is not used by "${def.code}"`);
  if (q && q.scoring.total === 'none') {
    const n = sel.item;
    if (n === undefined || n < 1 || n > q.items.length) throw fieldError('item', part, `is required for "${def.code}": an item number from 1 to ${q.items.length}`);
    return (c) => {
      const it = c.items?.[n - 1];
      return it ? { score: it.value, band: it.band ?? null } : undefined;
    };
  }
  if (q) return (c) => (c.score === undefined ? undefined : { score: c.score, band: c.band ?? null });
  if (components) {
    const code = sel.component;
    if (code === undefined || !components.some((x) => x.code === code)) {
      throw fieldError('component', part, `is required for "${def.code}": one of ${components.map((x) => x.code).join(', ')}`);
    }
    return (c) => {
      const v = (c as Record<string, unknown>)[code];
      return typeof v === 'number' ? { score: v, band: null } : undefined;
    };
  }
  if (def.measure) return (c) => (c.value === undefined ? undefined : { score: c.value, band: null });
  const field = def.text?.progress ? 'progress' : def.text?.intensity ? 'intensity' : undefined;
  if (!field) throw fieldError('type', part, `"${def.code}" records carry no number to follow over time`);
  return (c) => (c[field] === undefined ? undefined : { score: c[field]!, band: c.status ?? null });
}

/** More than this many records of one type for one person is not a chart but a data dump. */
export const MAX_SERIES_RECORDS = 5000;

/**
 * Every record a scope holds for a query, oldest first (at most {@link MAX_SERIES_RECORDS}, the latest ones).
 */
export async function rowsOldestFirst(deps: Deps, scope: Scope, query: Omit<RecordQuery, 'limit' | 'after'>): Promise<RecordRow[]> {
  const rows: RecordRow[] = [];
  let after: RecordQuery['after'];
  for (;;) {
    const page = await deps.storage.records.list(scope, { ...query, limit: 500, ...(after ? { after } : {}) });
    rows.push(...page);
    const last = page[page.length - 1];
    if (page.length < 500 || !last || rows.length >= MAX_SERIES_RECORDS) break;
    after = { effectiveAt: last.effectiveAt, id: last.id };
  }
  return rows.slice(0, MAX_SERIES_RECORDS).reverse();
}

/** Opens rows with the person's key. */
export async function openContents(deps: Deps, subjectId: string, rows: RecordRow[]): Promise<RecordContent[]> {
  if (rows.length === 0) return [];
  const dek = await deps.dataKeys.forSubject(subjectId);
  return rows.map((r) => openRecord<RecordContent>(dek, r, r.payload));
}
