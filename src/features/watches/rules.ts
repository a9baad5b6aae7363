import type { FieldError } from '../../errors.js';
import type { TypeDef } from '../catalogue/model.js';
import type { RecordContent } from '../records/compose.js';

/** A watch rule, as stored (codes and numbers only). */
export type Rule =
  | { kind: 'threshold'; field: string; op: 'lt' | 'le' | 'gt' | 'ge'; threshold: number }
  | { kind: 'flag'; flag: string }
  | { kind: 'change'; field: string; op: 'drop-by' | 'rise-by'; threshold: number };

export interface RuleInput {
  field?: string | undefined;
  op?: 'lt' | 'le' | 'gt' | 'ge' | 'drop-by' | 'rise-by' | undefined;
  threshold?: number | undefined;
  flag?: string | undefined;
}

/** @returns the numeric fields a type's records carry, which rules may compare */
export function watchableFields(def: TypeDef): string[] {
  if (def.kind === 'questionnaire') return def.questionnaire!.scoring.total !== 'none' ? ['score'] : [];
  if (def.kind === 'measure') return def.measure!.components ? def.measure!.components.map((c) => c.code) : ['value'];
  return def.text?.progress ? ['progress'] : [];
}

/**
 * Checks a rule against what the type's records carry.
 * @returns the rule, or the problems naming each field
 */
export function parseRule(def: TypeDef, input: RuleInput): Rule | FieldError[] {
  const err = (field: string, detail: string): FieldError[] => [{ field, pointer: `/${field}`, in: 'body', detail }];
  if (input.flag !== undefined) {
    if (input.field !== undefined || input.op !== undefined || input.threshold !== undefined) {
      return err('flag', 'a flag rule takes no field, op or threshold');
    }
    const flags = def.questionnaire?.flags?.map((f) => f.flag) ?? [];
    if (!flags.includes(input.flag)) return err('flag', flags.length ? `must be one of ${flags.join(', ')}` : `"${def.code}" raises no flags`);
    return { kind: 'flag', flag: input.flag };
  }
  const fields = watchableFields(def);
  if (input.field === undefined) return err('field', fields.length ? `is required: one of ${fields.join(', ')}` : `"${def.code}" has no field to compare`);
  if (!fields.includes(input.field)) return err('field', fields.length ? `must be one of ${fields.join(', ')} for "${def.code}"` : `"${def.code}" has no field to compare`);
  if (input.op === undefined) return err('op', 'is required: lt, le, gt, ge, drop-by or rise-by');
  if (input.threshold === undefined) return err('threshold', 'is required');
  if (input.op === 'drop-by' || input.op === 'rise-by') {
    if (!(input.threshold > 0)) return err('threshold', 'must be above 0 for a change rule');
    return { kind: 'change', field: input.field, op: input.op, threshold: input.threshold };
  }
  return { kind: 'threshold', field: input.field, op: input.op, threshold: input.threshold };
}

function numeric(content: RecordContent, field: string): number | undefined {
  const v = (content as Record<string, unknown>)[field];
  return typeof v === 'number' ? v : undefined;
}

const compare = { lt: (a: number, b: number) => a < b, le: (a: number, b: number) => a <= b, gt: (a: number, b: number) => a > b, ge: (a: number, b: number) => a >= b };

/**
 * @param previous the person's previous record of the same type, for change rules
 * @returns what matched, or null
 */
export function evaluateRule(rule: Rule, content: RecordContent, previous: RecordContent | undefined): Record<string, unknown> | null {
  if (rule.kind === 'flag') return content.flags?.includes(rule.flag) ? { flag: rule.flag } : null;
  const value = numeric(content, rule.field);
  if (value === undefined) return null;
  if (rule.kind === 'threshold') {
    return compare[rule.op](value, rule.threshold) ? { field: rule.field, value, op: rule.op, threshold: rule.threshold } : null;
  }
  const before = previous ? numeric(previous, rule.field) : undefined;
  if (before === undefined) return null;
  const change = value - before;
  const hit = rule.op === 'drop-by' ? -change >= rule.threshold : change >= rule.threshold;
  return hit ? { field: rule.field, value, previous: before, change, op: rule.op, threshold: rule.threshold } : null;
}
