// `director runner …`: one entry per subcommand, each importing its module only when it runs.
import type { ConfigSource } from '../shared/config/source.ts';
import { commandArgs, usageError } from '../shared/cli/args.ts';

/** What a runner subcommand gets from the process. */
export interface RunnerCliIo {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  /** The configuration (DIRECTOR_CONFIG's file and the environment), read when a command needs it. */
  source: () => Promise<ConfigSource>;
}

const runnerUsage = `Usage: director runner <command>

Commands:
  pair <code> --url <bot url> [--name <name>]   exchange a code from /director connect for a runner token
  start                                          check the setup, connect to the bot and stay up
  status [--json]                                connected? as whom? what is running? (exit 1 if not running)
  doctor [--json]                                check projects, GitHub token, agents, sandbox, disk and bot
  close <task>                                   remove a settled task's worktree and local branch
  unpair                                         forget this runner's token (its owner revokes it in Slack)

director runner <command> --help shows a command's options.`;

type Values = Record<string, string | boolean | undefined>;

interface RunnerCommand {
  usage: string;
  options: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  positionals?: { min?: number; max?: number };
  run(values: Values, positionals: string[], io: RunnerCliIo): Promise<number>;
}

const pairUsage = `Usage: director runner pair <code> --url <bot url> [--name <name>] [--timeout <seconds>]

Exchanges the one-time code that /director connect showed you for this runner's token (saved with
mode 0600 in $DIRECTOR_HOME/runner.json). --timeout is how long to wait for the bot (default 15).`;

const commands = {
  pair: {
    usage: pairUsage,
    options: { url: { type: 'string' }, name: { type: 'string' }, timeout: { type: 'string' } },
    positionals: { min: 1, max: 1 },
    run: async (values, [code], io) => (await import('./cli/pair.ts')).pairCommand({ values, code: code ?? '', io, usage: pairUsage }),
  },
  start: {
    usage: `Usage: director runner start

Checks the setup (the fast checks of director doctor), connects to the bot and stays up; reconnects
by itself. Stops on SIGINT/SIGTERM.`,
    options: {},
    run: async (_values, _positionals, io) => (await import('./cli/start.ts')).startCommand(io),
  },
  status: {
    usage: `Usage: director runner status [--json]

Who this runner is, whether director runner start is connected, and its tasks. Exits 1 when the
runner is not paired, not running, or refused by the bot, with what to do.`,
    options: { json: { type: 'boolean' } },
    run: async (values, _positionals, io) => (await import('./cli/status.ts')).statusCommand(values.json === true, io),
  },
  doctor: {
    usage: `Usage: director runner doctor [--json]   (also: director doctor)

Checks each project's path and remote, that GITHUB_TOKEN may push and open pull requests, the agent
CLIs, bubblewrap, free disk space, and that the bot answers. Exits 1 when something is broken.`,
    options: { json: { type: 'boolean' } },
    run: async (values, _positionals, io) => (await import('./doctor/command.ts')).doctorCommand(values.json === true, io),
  },
  close: {
    usage: `Usage: director runner close <task>

Removes a settled (failed, stopped, interrupted or finished) task's worktree and its local branch.
The pushed branch and the pull request are left alone.`,
    options: {},
    positionals: { min: 1, max: 1 },
    run: async (_values, [task], io) => (await import('./cli/close.ts')).closeCommand(task ?? '', io),
  },
  unpair: {
    usage: `Usage: director runner unpair

Deletes this runner's token file, so it can no longer connect. The bot still lists the runner until
its owner runs /director runners revoke <name> in Slack (which also refuses the token there).`,
    options: {},
    run: async (_values, _positionals, io) => (await import('./cli/unpair.ts')).unpairCommand(io),
  },
} satisfies Record<string, RunnerCommand>;

/** `director runner …` */
export async function runRunnerCli(args: string[], io: RunnerCliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(runnerUsage);
    return 0;
  }
  if (!Object.hasOwn(commands, name)) throw usageError(`unknown runner command "${name}"`, runnerUsage);
  const command: RunnerCommand = commands[name as keyof typeof commands];
  const parsed = commandArgs(rest, { options: command.options, usage: command.usage, ...(command.positionals && { positionals: command.positionals }) });
  if (parsed.help) {
    io.out(command.usage);
    return 0;
  }
  return command.run(parsed.values, parsed.positionals, io);
}
