import { commands } from './usage.ts';

/** What a person asked for, from the text after `/director` or after mentioning the bot. */
export type ParsedCommand =
  /** `help`, or nothing at all. */
  | { kind: 'help' }
  /** `connect`: pair a runner. */
  | { kind: 'connect' }
  /** `runners`: list them. */
  | { kind: 'runners' }
  /** `runners revoke <name>`. */
  | { kind: 'revoke-runner'; name: string }
  /** A known command used wrongly; `problem` says how. */
  | { kind: 'invalid'; problem: string }
  /** Something the bot does not understand; `suggestion` is the closest known command. */
  | { kind: 'unknown'; input: string; suggestion?: string };

/** Removes a leading mention of the bot (`<@U123>` or `<@U123|name>`) from an app_mention's text. */
export function stripMention(text: string): string {
  return text.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*/, '');
}

export function parseCommand(text: string): ParsedCommand {
  const input = text.trim().replace(/\s+/g, ' ');
  const word = input.split(' ')[0]?.toLowerCase() ?? '';
  const args = input.split(' ').slice(1);
  if (word === '' || word === 'help' || word === '--help' || word === '-h' || word === '?') return { kind: 'help' };
  if (word === 'connect' || word === 'pair') return { kind: 'connect' };
  if (word === 'runners' || word === 'runner') {
    if (args.length === 0 || (args.length === 1 && args[0]?.toLowerCase() === 'list')) return { kind: 'runners' };
    if (args[0]?.toLowerCase() === 'revoke') {
      const name = args[1];
      return name && args.length === 2 ? { kind: 'revoke-runner', name } : { kind: 'invalid', problem: 'usage: `runners revoke <name>` (see `runners` for the names)' };
    }
    return { kind: 'invalid', problem: '`runners` takes nothing, or `revoke <name>`' };
  }
  const suggestion = closestCommand(word);
  return suggestion === undefined ? { kind: 'unknown', input } : { kind: 'unknown', input, suggestion };
}

/** The known command nearest to `word` by edit distance, if it is near enough to be a typo. */
function closestCommand(word: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const { name } of commands.filter((c) => !c.name.includes(' '))) {
    const distance = editDistance(word, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Edit distance where a swap of two neighbouring letters counts as one typo (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}
