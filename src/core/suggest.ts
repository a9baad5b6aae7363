/** Suggestions for a code that is not known: "did you mean" in validation errors. */

/** Case, spaces, dashes and underscores do not make codes different to a person typing one. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s_.-]+/g, '');
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * @param input the code as sent
 * @param known the codes that exist
 * @returns up to three known codes close to the input, closest first
 */
export function nearestCodes(input: string, known: readonly string[]): string[] {
  const n = normalise(input.slice(0, 64));
  if (!n) return [];
  const scored = known.map((code) => {
    const k = normalise(code);
    const distance = k === n ? 0 : k.startsWith(n) || n.startsWith(k) ? 1 : editDistance(n, k);
    return { code, distance };
  });
  // Allow about one slip in three characters: `gad` finds gad7, `wembws` finds wemwbs.
  const limit = Math.max(1, Math.floor(n.length / 3));
  return scored
    .filter((s) => s.distance <= limit)
    .sort((a, b) => a.distance - b.distance || a.code.localeCompare(b.code))
    .slice(0, 3)
    .map((s) => s.code);
}

/** @returns `unknown {what} "x"; did you mean a or b?` with a pointer to where the codes are listed */
export function unknownCode(what: string, input: string, known: readonly string[], listedAt: string): string {
  const near = nearestCodes(input, known);
  const hint = near.length ? `; did you mean ${near.join(' or ')}?` : '';
  return `unknown ${what} "${input.slice(0, 64)}"${hint} (see ${listedAt})`;
}
