/** Edit distance between two names (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** The known name closest to `name`, if it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(name.toUpperCase(), candidate);
    if (!best || d < best.d) best = { name: candidate, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** One sentence per key of a config file that no part of Director reads, naming the likely intended one. */
export function unknownKeyProblems(keys: readonly string[], known: readonly string[], file: string): string[] {
  const knownSet = new Set(known);
  return keys
    .filter((key) => !knownSet.has(key))
    .map((key) => {
      const guess = closestName(key, known);
      return `${key} in ${file} (DIRECTOR_CONFIG) is not a Director variable: ${guess ? `did you mean ${guess}? Rename it` : 'remove it (README.md lists the variables)'}.`;
    });
}
