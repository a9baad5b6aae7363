import { describe, expect, it } from 'vitest';
import { types } from '../../src/features/catalogue/definitions/types.js';
import { scoreQuestionnaire, type ScoredAnswers } from '../../src/features/catalogue/scoring.js';
import { scoringVectors } from '../fixtures/scoring-vectors.js';

function definition(code: string) {
  const q = types.find((t) => t.code === code)?.questionnaire;
  if (!q) throw new Error(`no questionnaire ${code}`);
  return q;
}

describe('scoring vectors from the published guides', () => {
  it.each(scoringVectors.map((v) => [`${v.type} ${JSON.stringify(v.answers)}`, v] as const))('%s', (_name, v) => {
    const result = scoreQuestionnaire(definition(v.type), v.answers);
    expect(Array.isArray(result), JSON.stringify(result)).toBe(false);
    const r = result as ScoredAnswers;
    expect(r.answers).toEqual(v.answers);
    expect(r.score).toBe(v.expected.score);
    expect(r.rawScore).toBe(v.expected.rawScore);
    expect(r.band).toBe(v.expected.band);
    expect(r.flags).toEqual(v.expected.flags);
    if (v.expected.items) {
      expect(r.items?.map((i) => ({ n: i.n, band: i.band }))).toEqual(v.expected.items);
      expect(r.items?.map((i) => i.value)).toEqual(v.answers);
    } else {
      expect(r.items).toBeUndefined();
    }
  });

  it('covers every questionnaire in the catalogue', () => {
    const questionnaires = types.filter((t) => t.kind === 'questionnaire').map((t) => t.code).sort();
    expect([...new Set(scoringVectors.map((v) => v.type))].sort()).toEqual(questionnaires);
  });
});

describe('scoring refuses answers the instrument does not allow', () => {
  it('a wrong number of answers names `answers`', () => {
    expect(scoreQuestionnaire(definition('phq9'), [0, 0])).toEqual([expect.objectContaining({ field: 'answers', pointer: '/answers' })]);
  });

  it('each out-of-range or fractional answer is named by its 0-based index', () => {
    const errors = scoreQuestionnaire(definition('gad7'), [0, 4, 0, -1, 0, 1.5, 0]);
    expect(Array.isArray(errors)).toBe(true);
    expect((errors as { field: string }[]).map((e) => e.field)).toEqual(['answers.1', 'answers.3', 'answers.5']);
  });
});
