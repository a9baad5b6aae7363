/** PHQ-9 answers that sum to `score` (0–24): items 1–8 filled evenly, item 9 always 0 (no flag). */
export function phq9Answers(score: number): number[] {
  return Array.from({ length: 9 }, (_, i) => (i < 8 ? Math.floor(score / 8) + (i < score % 8 ? 1 : 0) : 0));
}

/** A PHQ-9 record body with that score. */
export function phq9(score: number, effectiveAt: string): { type: 'phq9'; effectiveAt: string; answers: number[] } {
  return { type: 'phq9', effectiveAt, answers: phq9Answers(score) };
}
