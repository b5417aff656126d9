// `fix sentry errors …`, `every <when> <command>` and `automations [pause|resume|delete|run <id>]`.
import type { ParsedCommand } from '../director/command.ts';

type Parsed<K extends ParsedCommand['kind']> = Extract<ParsedCommand, { kind: K }> | Extract<ParsedCommand, { kind: 'invalid' }>;

export const SENTRY_USAGE = 'usage: `fix sentry errors [users>N] [events>N] [since:24h] [top:N] [level:error] [agent:name]` (defaults: since:24h, top:5)';
const LEVELS = new Set(['fatal', 'error', 'warning', 'info', 'debug']);

/** `fix sentry errors users>20 since:24h top:3 level:error`; `rest` is the text after `fix`. */
export function parseFixSentry(rest: string): Parsed<'fix-sentry'> {
  const words = rest.split(' ').filter(Boolean);
  if (words[0]?.toLowerCase() !== 'sentry') return { kind: 'invalid', problem: SENTRY_USAGE };
  const command: Extract<ParsedCommand, { kind: 'fix-sentry' }> = { kind: 'fix-sentry', since: '24h', top: 5 };
  for (const word of words.slice(1)) {
    const lower = word.toLowerCase();
    const threshold = /^(users|events)>(\d{1,9})$/.exec(lower);
    const option = /^(since|top|level|agent):(\S+)$/.exec(lower);
    if (lower === 'errors' || lower === 'error' || lower === 'issues') continue;
    if (threshold?.[1] === 'users') command.usersOver = Number(threshold[2]);
    else if (threshold?.[1] === 'events') command.eventsOver = Number(threshold[2]);
    else if (option?.[1] === 'since' && /^[1-9]\d{0,3}[mhdw]$/.test(option[2] ?? '')) command.since = option[2] ?? '24h';
    else if (option?.[1] === 'top' && /^(?:[1-9]|[1-4]\d|50)$/.test(option[2] ?? '')) command.top = Number(option[2]);
    else if (option?.[1] === 'level' && LEVELS.has(option[2] ?? '')) command.level = option[2] as NonNullable<typeof command.level>;
    else if (option?.[1] === 'agent' && /^[a-z0-9][a-z0-9._-]{0,62}$/.test(option[2] ?? '')) command.agent = option[2];
    else return { kind: 'invalid', problem: `\`${word.slice(0, 40)}\` is not a Sentry filter; ${SENTRY_USAGE}` };
  }
  return command;
}

const EVERY_USAGE = 'usage: `every <when> <command>`, e.g. `every day 09:00 fix sentry errors users>20` or `every weekday 09:00 fix top 3 issues label:bug`';

/** `every <when> <command>`: the schedule and the command are parsed when the automation is made. */
export function parseEvery(rest: string): Parsed<'every'> {
  return rest ? { kind: 'every', text: rest } : { kind: 'invalid', problem: EVERY_USAGE };
}

const AUTOMATIONS_USAGE = 'usage: `automations`, or `automations pause|resume|delete|run <id>` (ids from `automations`)';

/** `automations`, `automations pause <id>`, … */
export function parseAutomations(args: string[]): Parsed<'automations'> {
  const [action = 'list', id, ...more] = args.map((a) => a.toLowerCase());
  if (action === 'list' && id === undefined) return { kind: 'automations', action: 'list' };
  if ((action === 'pause' || action === 'resume' || action === 'delete' || action === 'run') && id && more.length === 0 && /^s[0-9a-f]{4,16}$/.test(id))
    return { kind: 'automations', action, id };
  return { kind: 'invalid', problem: AUTOMATIONS_USAGE };
}
