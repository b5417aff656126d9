import type { ParsedCommand } from '../director/command.ts';
import { MAX_FACT } from '../director/memory.ts';
import { commands } from './usage.ts';

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
  if (word === 'status') return args[0] ? { kind: 'task-status', task: args[0].toLowerCase() } : { kind: 'status' };
  if (word === 'restart')
    return args[0]
      ? { kind: 'restart', task: args[0].toLowerCase() }
      : { kind: 'invalid', problem: 'usage: `restart <task>` (a fresh agent session, seeded with the task’s summary)' };
  if (word === 'memory') return { kind: 'memory' };
  if (word === 'remember') {
    const fact = input.slice(word.length).trim();
    if (!fact) return { kind: 'invalid', problem: 'usage: `remember <fact>`, e.g. `remember the API client is generated: edit the schema, not the client`' };
    return fact.length > MAX_FACT
      ? { kind: 'invalid', problem: `a fact to remember is at most ${MAX_FACT} characters (this one has ${fact.length})` }
      : { kind: 'remember', fact };
  }
  if (word === 'forget') {
    const n = Number(args[0]);
    return args.length === 1 && Number.isInteger(n) && n > 0
      ? { kind: 'forget', n }
      : { kind: 'invalid', problem: 'usage: `forget <n>`, with n from `/director memory`' };
  }
  if (word === 'stop') return args[0] ? { kind: 'stop', task: args[0].toLowerCase() } : { kind: 'invalid', problem: 'usage: `stop <task>` or `stop all`' };
  if (word === 'retry' || word === 'resume')
    return args[0] ? { kind: 'retry', task: args[0].toLowerCase() } : { kind: 'invalid', problem: 'usage: `retry <task>`' };
  if (word === 'init') return parseInit(args);
  if (word === 'do') return args.length > 0 ? { kind: 'do', ...withAgent(args.join(' ')) } : { kind: 'invalid', problem: 'usage: `do <what to do>`' };
  if (word === 'fix') return parseFix(input.slice(3).trim());
  if (word === 'runners' || word === 'runner') {
    if (args.length === 0 || (args.length === 1 && args[0]?.toLowerCase() === 'list')) return { kind: 'runners' };
    if (args[0]?.toLowerCase() === 'revoke') {
      const name = args[1];
      return name && args.length === 2
        ? { kind: 'revoke-runner', name }
        : { kind: 'invalid', problem: 'usage: `runners revoke <name>` (see `runners` for the names)' };
    }
    return { kind: 'invalid', problem: '`runners` takes nothing, or `revoke <name>`' };
  }
  const suggestion = closestCommand(word);
  return suggestion === undefined ? { kind: 'unknown', input } : { kind: 'unknown', input, suggestion };
}

function withAgent(text: string): { text: string; agent?: string } {
  const agent = /(?:^|\s)agent:(\S+)/i.exec(text)?.[1];
  const rest = text.replace(/(?:^|\s)agent:\S+/i, '').trim();
  return agent ? { text: rest, agent: agent.toLowerCase() } : { text: rest };
}

function parseInit(args: string[]): ParsedCommand {
  const repo = args[0];
  if (!repo || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo))
    return {
      kind: 'invalid',
      problem:
        'usage: `init owner/repo [--runner name] [--project name] [--agent name] [--maintainers @a,@b] [--steer members|maintainers] [--concurrency n] [--verify <command>]`',
    };
  const flag = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const maintainers = (flag('maintainers') ?? '')
    .split(',')
    .map((m) => /<@([A-Z0-9]+)(?:\|[^>]*)?>/.exec(m)?.[1] ?? m.replace(/^@/, ''))
    .filter(Boolean);
  const runner = flag('runner');
  const project = flag('project');
  const agent = flag('agent');
  const steer = flag('steer') === 'maintainers' ? 'maintainers' : 'members';
  const concurrency = Number(flag('concurrency'));
  // --verify takes the words up to the next flag: `--verify npm run test:ci --runner x`.
  const at = args.indexOf('--verify');
  const verifyWords = at < 0 ? [] : args.slice(at + 1, args.findIndex((a, i) => i > at && a.startsWith('--')) >>> 0);
  const verify = verifyWords.join(' ').trim();
  return {
    kind: 'init',
    repo,
    maintainers,
    steer,
    ...(runner && { runner }),
    ...(project && { project }),
    ...(agent && { agent }),
    ...(Number.isInteger(concurrency) && concurrency > 0 && { concurrency: Math.min(concurrency, 50) }),
    ...(verify && { verify }),
  };
}

/** "fix top 10 issues", "fix the top 10 issues", "fix 5 newest bugs label:ui by:comments", "fix #12 #15". */
function parseFix(rest: string): ParsedCommand {
  const { text, agent } = withAgent(rest);
  const numbers = [...text.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
  if (numbers.length > 0) return { kind: 'fix-issues', numbers: [...new Set(numbers)], ...(agent && { agent }) };
  const count = /(?:^|\s)(\d+)(?:\s|$)/.exec(text);
  if (!count) return { kind: 'invalid', problem: 'usage: `fix top <n> issues [label:x] [by:newest|comments|reactions]`, or `fix #12 #15`' };
  const limit = Math.min(50, Math.max(1, Number(count[1])));
  let label = /(?:^|\s)label:(\S+)/i.exec(text)?.[1];
  const by = /(?:^|\s)by:(newest|comments|reactions)/i.exec(text)?.[1]?.toLowerCase();
  const order: 'newest' | 'comments' | 'reactions' =
    by === 'comments' || /most[- ]commented|comments/i.test(text)
      ? 'comments'
      : by === 'reactions' || /most[- ]reacted|reactions|popular/i.test(text)
        ? 'reactions'
        : 'newest';
  if (!label && /\bbugs?\b/i.test(text.replace(/label:\S+/i, ''))) label = 'bug';
  return { kind: 'fix-top', limit, order, ...(label && { label }), ...(agent && { agent }) };
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
