import type { FieldError } from '../../errors.js';
import type { BandDef, FlagRuleDef, QuestionnaireDef } from './model.js';

/** What scoring a questionnaire yields; stored sealed with the answers. */
export interface ScoredAnswers {
  answers: number[];
  score?: number;
  rawScore?: number;
  band?: string;
  flags: string[];
  items?: { n: number; label: string; value: number; band?: string }[];
}

const compare: Record<FlagRuleDef['op'], (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  ge: (a, b) => a >= b,
  lt: (a, b) => a < b,
  le: (a, b) => a <= b,
  eq: (a, b) => a === b,
};

function bandOf(bands: BandDef[] | undefined, value: number): string | undefined {
  return bands?.find((b) => value >= b.min && value <= b.max)?.code;
}

/**
 * Checks answers against the instrument and scores them by its declared rules.
 * @param q the instrument's definition from the catalogue
 * @param answers answers in item order
 * @returns the scored result, or the field errors (pointer `/answers/i` is 0-based)
 */
export function scoreQuestionnaire(q: QuestionnaireDef, answers: number[]): ScoredAnswers | FieldError[] {
  if (answers.length !== q.items.length) {
    return [{ field: 'answers', pointer: '/answers', in: 'body', detail: `must have exactly ${q.items.length} answers (got ${answers.length})` }];
  }
  const errors: FieldError[] = [];
  answers.forEach((a, i) => {
    if (!Number.isInteger(a) || a < q.itemMin || a > q.itemMax) {
      errors.push({ field: `answers.${i}`, pointer: `/answers/${i}`, in: 'body', detail: `item ${i + 1} must be a whole number from ${q.itemMin} to ${q.itemMax}` });
    }
  });
  if (errors.length) return errors;

  const flags = (q.flags ?? []).filter((f) => compare[f.op](answers[f.item - 1]!, f.value)).map((f) => f.flag);
  if (q.scoring.total === 'none') {
    const items = q.items.map((item, i) => {
      const value = answers[i]!;
      const band = bandOf(item.bands, value);
      return band === undefined ? { n: item.n, label: item.label, value } : { n: item.n, label: item.label, value, band };
    });
    return { answers, flags, items };
  }
  // Reverse-scored items count as itemMin + itemMax − answer; the answers are stored as given.
  const itemScores = answers.map((a, i) => (q.items[i]!.reverse ? q.itemMin + q.itemMax - a : a));
  const raw = itemScores.reduce((s, a) => s + a, 0);
  const converted = q.scoring.conversion?.[String(raw)];
  const score = converted ?? (q.scoring.total === 'mean' ? Math.round((raw / answers.length) * 100) / 100 : raw);
  const result: ScoredAnswers = { answers, score, flags };
  if (converted !== undefined || q.scoring.total === 'mean') result.rawScore = raw;
  const band = bandOf(q.scoring.bands, score);
  if (band !== undefined) result.band = band;
  return result;
}
