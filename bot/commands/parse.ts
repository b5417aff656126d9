import type { ParsedCommand } from '../director/command.ts';
import { MAX_FACT } from '../director/memory.ts';
import { parseAutomations, parseEvery, parseFixSentry } from './parse-automations.ts';
import { parseReportCommand } from './parse-reports.ts';
import { commands } from './usage.ts';
import { mergeMethodSchema } from '../../shared/protocol.ts';

/** Removes a leading mention of the bot (`<@U123>` or `<@U123|name>`) from an app_mention's text. */
export function stripMention(text: string): string {
  return text.replace(/^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*/, '');
}

/** Longest command text: a `do` request's own limit plus room for its words. */
export const MAX_COMMAND = 20_100;
/** Longest `do` request (what a task.start carries). */
export const MAX_REQUEST = 20_000;
/** Issues one `fix #…` may start. */
export const MAX_ISSUES = 20;
/** A runner's verification command name, as the runner's config names them. */
const VERIFY_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function parseCommand(text: string): ParsedCommand {
  if (text.length > MAX_COMMAND)
    return { kind: 'invalid', problem: `that command is ${text.length} characters long; the longest Director takes is ${MAX_COMMAND}` };
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
  if (word === 'audit') return { kind: 'audit' };
  if (word === 'claim')
    return args.length === 1 && args[0] && args[0].length <= 16
      ? { kind: 'claim', code: args[0] }
      : { kind: 'invalid', problem: 'usage: `claim <code>`, with the code `director local` printed when it started' };
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
  if (word === 'close') return args[0] ? { kind: 'close', task: args[0].toLowerCase() } : { kind: 'invalid', problem: 'usage: `close <task>`' };
  const report = parseReportCommand(word, input);
  if (report) return report;
  if (word === 'init') return parseInit(args);
  if (word === 'do') return parseDo(args.join(' '));
  if (word === 'fix' && /^sentry\b/i.test(input.slice(3).trim())) return parseFixSentry(input.slice(3).trim());
  // "fix the login page crash", "add a --version flag": a sentence with a verb is one request.
  if (word !== 'fix' && REQUEST_VERBS.has(word) && args.length > 0) return parseDo(input);
  if (word === 'fix') return parseFix(input.slice(3).trim());
  if (word === 'every') return parseEvery(input.slice(word.length).trim());
  if (word === 'automations' || word === 'automation') return parseAutomations(args);
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

function parseDo(text: string): ParsedCommand {
  if (!text) return { kind: 'invalid', problem: 'usage: `do <what to do>`' };
  const request = withAgent(text);
  if (request.text.length > MAX_REQUEST)
    return {
      kind: 'invalid',
      problem: `a request is at most ${MAX_REQUEST} characters (this one has ${request.text.length}): put the details in an issue and use \`fix #<n>\``,
    };
  return { kind: 'do', ...request };
}

const INIT_USAGE =
  'usage: `init owner/repo [--runner name] [--owner @person] [--project name] [--agent name] [--maintainers @a,@b] [--steer members|maintainers] [--concurrency n] [--verify name] [--mergers @a,@b] [--merge squash|merge|rebase] [--review codex|claude|<agent>|off] [--feedback auto|ask|off]`';
const VERIFY_WHAT = 'the name of one of the runner’s verification commands for the project (e.g. `unit`), not a command line';
const VERIFY_PROBLEM = `\`--verify\` takes ${VERIFY_WHAT}`;
const userId = (word: string) => /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word)?.[1];

function parseInit(args: string[]): ParsedCommand {
  const repo = args[0];
  if (!repo || !/^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/.test(repo)) return { kind: 'invalid', problem: INIT_USAGE };
  const flags = new Map<string, string>();
  for (let i = 1; i < args.length; i += 2) {
    const flag = /^--([a-z]+)$/.exec(args[i] ?? '')?.[1];
    const value = args[i + 1];
    if (!flag && flags.has('verify') && args[i - 2] === '--verify') return { kind: 'invalid', problem: VERIFY_PROBLEM };
    if (!flag || value === undefined) return { kind: 'invalid', problem: `\`${(args[i] ?? '').slice(0, 40)}\` is not a flag with a value; ${INIT_USAGE}` };
    if (!INIT_FLAGS.has(flag)) return { kind: 'invalid', problem: `\`--${flag}\` is not an init flag; ${INIT_USAGE}` };
    flags.set(flag, value);
  }
  const named = (flag: string, pattern: RegExp, what: string) => {
    const value = flags.get(flag);
    return value === undefined || pattern.test(value) ? { ok: true as const, value } : { ok: false as const, problem: `\`--${flag}\` takes ${what}` };
  };
  const runner = named('runner', /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a runner name (letters, digits, ".", "_" or "-")');
  const project = named('project', /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'the name of a project in the runner’s PROJECTS');
  const agent = named('agent', /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'the name of an agent in the runner’s AGENTS');
  const verify = named('verify', VERIFY_NAME, VERIFY_WHAT);
  const steer = named('steer', /^(?:members|maintainers)$/, '`members` or `maintainers`');
  const concurrency = named('concurrency', /^(?:[1-9]|[1-4][0-9]|50)$/, 'a number of tasks from 1 to 50');
  const merge = named('merge', /^(?:squash|merge|rebase)$/, '`squash`, `merge` or `rebase`');
  const review = named('review', /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, '`codex`, `claude`, the name of an agent in the runner’s AGENTS, or `off`');
  const feedback = named('feedback', /^(?:auto|ask|off)$/, '`auto`, `ask` or `off`');
  for (const checked of [runner, project, agent, verify, steer, concurrency, merge, review, feedback])
    if (!checked.ok) return { kind: 'invalid', problem: checked.problem };
  const mergers = flags.get('mergers')?.split(',').map(userId);
  if (mergers?.some((m) => m === undefined) || (mergers?.length ?? 0) > 20) {
    return { kind: 'invalid', problem: '`--mergers` takes up to 20 mentions separated by commas, e.g. `--mergers @alice,@bob`' };
  }
  const ownerText = flags.get('owner');
  const owner = ownerText === undefined ? undefined : userId(ownerText);
  if (ownerText !== undefined && !owner) return { kind: 'invalid', problem: '`--owner` takes a mention of the runner’s owner, e.g. `--owner @alice`' };
  const maintainerText = flags.get('maintainers');
  const maintainers = maintainerText?.split(',').map(userId);
  if (maintainers?.some((m) => m === undefined) || (maintainers?.length ?? 0) > 20) {
    return { kind: 'invalid', problem: '`--maintainers` takes up to 20 mentions separated by commas, e.g. `--maintainers @alice,@bob`' };
  }
  return {
    kind: 'init',
    repo,
    ...(runner.value && { runner: runner.value }),
    ...(owner && { owner }),
    ...(project.value && { project: project.value }),
    ...(agent.value && { agent: agent.value }),
    ...(maintainers && { maintainers: maintainers.filter((m) => m !== undefined) }),
    ...(steer.value && { steer: steer.value === 'maintainers' ? ('maintainers' as const) : ('members' as const) }),
    ...(concurrency.value && { concurrency: Number(concurrency.value) }),
    ...(verify.value && { verify: verify.value }),
    ...(mergers && { mergers: mergers.filter((m) => m !== undefined) }),
    ...(merge.value && { merge: mergeMethodSchema.parse(merge.value) }),
    ...(review.value && { review: review.value }),
    ...(feedback.value && { feedback: feedback.value === 'ask' ? ('ask' as const) : feedback.value === 'off' ? ('off' as const) : ('auto' as const) }),
  };
}

const INIT_FLAGS = new Set(['runner', 'owner', 'project', 'agent', 'maintainers', 'steer', 'concurrency', 'verify', 'mergers', 'merge', 'review', 'feedback']);

/** First words that make a sentence a request for one task ("add a --version flag"). */
const REQUEST_VERBS = new Set(
  (
    'add update write remove delete refactor implement make create rename improve change document bump upgrade migrate clean tidy ' +
    'investigate debug speed support handle allow replace move convert port optimize optimise translate drop split extract build ' +
    'use correct repair resolve explain test increase reduce enable disable hide show simplify'
  ).split(' '),
);

/** Issues one `fix top N` lists at most. */
export const MAX_TOP = 50;
const ORDERS = ['newest', 'comments', 'reactions'] as const;
/** `label:bug`, `label:"good first issue"` (straight or curly quotes). */
const LABEL = /(?:^|\s)label:(?:"([^"]{1,50})"|'([^']{1,50})'|“([^”]{1,50})”|(\S+))/i;
/** A sentence about issues: "top 3", "3 issues", "the 5 newest bugs", "the 2 most commented issues". */
const ABOUT_ISSUES =
  /^(?:the\s+)?(?:top\s+(\d+)\b|(\d+)\s+(?:(?:newest|latest|open|popular|most[- ]commented|most[- ]reacted)\s+)*(?:issues?|bugs?|tickets?)\b)/i;

/** "fix top 10 issues", "fix the top 10 issues", "fix 5 newest bugs label:ui by:comments", "fix #12 #15"; any other sentence is one request. */
function parseFix(rest: string): ParsedCommand {
  const { text, agent } = withAgent(rest);
  if (!text)
    return { kind: 'invalid', problem: 'usage: `fix top <n> issues [label:x] [by:newest|comments|reactions]`, `fix #12 #15`, or `fix <what is wrong>`' };
  const numbers = [...new Set([...text.matchAll(/#(\d{1,9})\b/g)].map((m) => Number(m[1])))].filter((n) => n > 0);
  if (numbers.length > MAX_ISSUES) return { kind: 'invalid', problem: `\`fix\` starts at most ${MAX_ISSUES} issues at once (you named ${numbers.length})` };
  if (numbers.length > 0) return { kind: 'fix-issues', numbers, ...(agent && { agent }) };
  const labelMatch = LABEL.exec(text);
  const label = labelMatch?.slice(1).find((v) => v !== undefined);
  const by = /(?:^|\s)by:(\S+)/i.exec(text)?.[1]?.toLowerCase();
  const sentence = text
    .replace(LABEL, ' ')
    .replace(/(?:^|\s)by:\S+/i, ' ')
    .trim();
  const about = ABOUT_ISSUES.exec(sentence);
  // "fix 2 typos in the README", "fix the login page crash": a request, not a count of issues.
  if (!about) return parseDo(`fix ${rest}`);
  if (by !== undefined && !(ORDERS as readonly string[]).includes(by))
    return { kind: 'invalid', problem: `\`by:${by.slice(0, 30)}\` is not an order: use ${ORDERS.map((o) => `\`by:${o}\``).join(', ')}` };
  const requested = Math.max(1, Number(about[1] ?? about[2]));
  const order: (typeof ORDERS)[number] =
    by === 'comments' || (!by && /most[- ]commented|comments/i.test(sentence))
      ? 'comments'
      : by === 'reactions' || (!by && /most[- ]reacted|reactions|popular/i.test(sentence))
        ? 'reactions'
        : 'newest';
  const chosenLabel = label ?? (/\bbugs?\b/i.test(sentence) ? 'bug' : undefined);
  return {
    kind: 'fix-top',
    limit: Math.min(MAX_TOP, requested),
    order,
    ...(requested > MAX_TOP && { requested }),
    ...(chosenLabel && { label: chosenLabel }),
    ...(agent && { agent }),
  };
}

/** The known command nearest to `word` by edit distance, if it is near enough to be a typo. */
function closestCommand(word: string): string | undefined {
  // Edit distance is quadratic: a word far longer than any command is no typo of one.
  if (word.length > 20) return undefined;
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
