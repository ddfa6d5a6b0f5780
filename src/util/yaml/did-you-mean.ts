/**
 * "Did you mean …?" for misspelt field names and references: the closest candidate, if it is close enough to
 * be a likely typo (same letters in another case, or a small edit distance).
 */
export function suggestClosest(input: string, candidates: readonly string[]): string | undefined {
  const lowered = input.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lowered);
  if (sameCase !== undefined) return sameCase;
  const limit = input.length <= 4 ? 1 : input.length <= 8 ? 2 : 3;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** A sentence fragment for an error: `; did you mean "x"?`, or the list of valid choices when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const suggestion = suggestClosest(input, candidates);
  if (suggestion !== undefined) return `; did you mean "${suggestion}"?`;
  if (candidates.length === 0) return '';
  return `; expected one of: ${candidates.join(', ')}`;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = value;
    }
  }
  return at(a.length, b.length);
}
