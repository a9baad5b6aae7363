import type { RecordInput } from '../src/features/records/compose.js';

/** The benchmark's record mix and the messages between the seeder and its workers. */

export interface SeedTask {
  chunk: number;
  seed: number;
  people: { subjectId: string; accountId: string; n: number }[];
}

/** Prepared rows of one chunk: the clear columns in insert order, and the sealed payloads. */
export interface SeedRows {
  chunk: number;
  columns: (string | number | null)[][];
  payloads: Uint8Array[];
}

/** A small deterministic PRNG (mulberry32), so two seeds with the same sizes hold the same mix. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: () => number, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const answers = (r: () => number, n: number, min: number, max: number) => Array.from({ length: n }, () => int(r, min, max));

/** Types by weight (of 100): measures most often, as devices send them. */
const mix: [number, (r: () => number, at: string) => RecordInput][] = [
  [15, (r, at) => ({ type: 'heart-rate', effectiveAt: at, value: int(r, 48, 110) })],
  [15, (r, at) => ({ type: 'steps', effectiveAt: at, value: int(r, 500, 16000) })],
  [12, (r, at) => ({ type: 'sleep-duration', effectiveAt: at, value: int(r, 40, 95) / 10 })],
  [10, (r, at) => ({ type: 'blood-pressure', effectiveAt: at, systolic: int(r, 100, 150), diastolic: int(r, 60, 95) })],
  [8, (r, at) => ({ type: 'weight', effectiveAt: at, value: int(r, 500, 1100) / 10 })],
  [8, (r, at) => ({ type: 'blood-glucose', effectiveAt: at, value: int(r, 40, 90) / 10 })],
  [6, (r, at) => ({ type: 'swemwbs', effectiveAt: at, answers: answers(r, 7, 1, 5) })],
  [5, (r, at) => ({ type: 'phq9', effectiveAt: at, answers: answers(r, 9, 0, 3) })],
  [5, (r, at) => ({ type: 'gad7', effectiveAt: at, answers: answers(r, 7, 0, 3) })],
  [4, (r, at) => ({ type: 'ons4', effectiveAt: at, answers: answers(r, 4, 0, 10) })],
  [4, (r, at) => ({ type: 'ucla3', effectiveAt: at, answers: answers(r, 3, 1, 3) })],
  [4, (r, at) => ({ type: 'goal', effectiveAt: at, text: 'Walk to the allotment twice a week', progress: int(r, 0, 10) })],
  [4, (_r, at) => ({ type: 'note', effectiveAt: at, text: 'Slept badly after the appointment; better by the weekend.' })],
];

const YEARS_3 = 3 * 365 * 24 * 3600 * 1000;

/** @returns one record body of the mix, effective some time in the last three years */
export function recordInput(r: () => number, now: number): RecordInput {
  let pick = r() * 100;
  const at = new Date(now - Math.floor(r() * YEARS_3)).toISOString();
  for (const [w, make] of mix) {
    if (pick < w) return make(r, at);
    pick -= w;
  }
  return mix[0]![1](r, at);
}

