/**
 * The candidate closest to `word` by edit distance (insertions, deletions, substitutions and
 * swaps of neighbours), ignoring case and treating "_", "-" and "." alike, or undefined when none
 * is close enough to be a likely typo: none for words of up to 3 characters, 1 edit for words of
 * 4, and 2 for longer ones (or `maxDistance`, when smaller).
 */
export function closestMatch(word: string, candidates: Iterable<string>, maxDistance = 2): string | undefined {
  const normalised = normalise(word);
  // Short words are a letter away from too many others ("sla" from "sql") to guess safely.
  const limit = Math.min(maxDistance, normalised.length <= 3 ? 0 : normalised.length === 4 ? 1 : 2);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const other = normalise(candidate);
    if (Math.abs(other.length - normalised.length) >= bestDistance) continue;
    const distance = editDistance(normalised, other, bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-.]/g, '_');
}

/** Optimal string alignment distance, giving up (returning `cap`) once it cannot be below it. */
function editDistance(a: string, b: string, cap: number): number {
  let previousRow: number[] = [];
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (previousRow[j - 2] ?? 0) + 1);
      next.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= cap) return cap;
    previousRow = row;
    row = next;
  }
  return row[b.length] ?? cap;
}
