// The `director` command: one executable, one subcommand per job, one error handler. Each command
// imports what it needs only when it runs, so `--help` and `runner status` print at once.
import { readFileSync } from 'node:fs';
import { commandArgs, usageError } from '../shared/cli/args.ts';
import { describeError, isDirectorError } from '../shared/errors.ts';

/** The top-level help, shared with bin/director.js, which prints it without loading TypeScript. */
const usage = readFileSync(new URL('./usage.txt', import.meta.url), 'utf8').trimEnd();

/** What a command needs from the process: its environment and where to print. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
}

interface Command {
  usage: string;
  /** Resolves with the exit code, or -1 to keep running (a server) until a signal. */
  run(args: string[], io: CliIo): Promise<number>;
}

const noArgs = (name: string, text: string): Command['usage'] => `Usage: director ${name}\n\n${text}`;

async function local(_args: string[], { env }: CliIo): Promise<number> {
  const { runLocal } = await import('./local.ts');
  await runLocal(env);
  return -1;
}

async function demo(): Promise<number> {
  const { runDemo } = await import('../demo/main.ts');
  return runDemo();
}

async function runner(args: string[], { env, out }: CliIo): Promise<number> {
  const { runRunnerCli } = await import('../runner/cli.ts');
  // Read only by commands that need it: zod and the config schemas stay unloaded for --help.
  const source = async () => (await import('./config-source.ts')).readSource(env);
  return runRunnerCli(args, { env, out, source });
}

const commands = {
  bot: {
    usage: noArgs('bot', 'Runs the Slack bot. Needs SLACK_BOT_TOKEN, and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode); listens on PORT.'),
    run: async (_args, { env }) => {
      const [{ runBot }, { readSource }] = await Promise.all([import('../bot/main.ts'), import('./config-source.ts')]);
      await runBot(env, readSource(env));
      return -1;
    },
  },
  local: {
    usage: noArgs('local', 'Runs the bot and a runner paired with it in one process: the bot’s and the runner’s variables, from one environment.'),
    run: local,
  },
  demo: {
    usage: noArgs('demo', 'Plays the whole loop offline (emulated Slack, GitHub and model; the real bot, runner and codex) and prints the channel.'),
    run: demo,
  },
  start: {
    usage: noArgs('start', '`director local` when SLACK_BOT_TOKEN is set, otherwise `director demo`.'),
    run: (args, io) => (io.env.SLACK_BOT_TOKEN ? local(args, io) : demo()),
  },
  runner: {
    usage: 'Usage: director runner <command> (director runner --help lists them)',
    run: runner,
  },
  doctor: {
    usage: 'Usage: director doctor [--json]   (the same as director runner doctor)',
    run: (args, io) => runner(['doctor', ...args], io),
  },
} satisfies Record<string, Command>;

type CommandName = keyof typeof commands;
const isCommand = (name: string): name is CommandName => Object.hasOwn(commands, name);

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

/** Takes `--log-format` out of the arguments (any position) into LOG_FORMAT; a terminal gets text by default. */
function logFormat(argv: string[], env: NodeJS.ProcessEnv, tty: boolean): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = arg === '--log-format' ? argv[++i] : arg.startsWith('--log-format=') ? arg.slice('--log-format='.length) : undefined;
    if (value === undefined && arg !== '--log-format') {
      rest.push(arg);
      continue;
    }
    if (value !== 'json' && value !== 'text') throw usageError(`--log-format must be json or text`, usage);
    env.LOG_FORMAT = value;
  }
  if (!env.LOG_FORMAT && tty) env.LOG_FORMAT = 'text';
  return rest;
}

async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = logFormat(argv, io.env, process.stderr.isTTY);
  if (command === undefined || command === '-h' || command === '--help') return (io.out(usage), 0);
  if (command === '-v' || command === '--version') return (io.out(version()), 0);
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) return (io.out(usage), 0);
    if (topic === 'runner') return runner(['--help'], io);
    if (!isCommand(topic)) throw usageError(`unknown command "${topic}"`, usage);
    return (io.out(commands[topic].usage), 0);
  }
  if (!isCommand(command)) throw usageError(`unknown command "${command}"`, usage);
  const chosen: Command = commands[command];
  // The runner has subcommands with their own help; every other command takes no arguments.
  if (command !== 'runner' && command !== 'doctor') {
    if (!commandArgs(rest, { options: {}, usage: chosen.usage }).help) return chosen.run(rest, io);
    return (io.out(chosen.usage), 0);
  }
  return chosen.run(rest, io);
}

const env = { ...process.env };
main(process.argv.slice(2), { env, out: (line) => process.stdout.write(`${line}\n`) }).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${isDirectorError(error) ? error.message : `director: ${describeError(error)}`}\n`);
    process.exitCode = isDirectorError(error) && error.code === 'usage' ? 2 : 1;
  },
);
