// The `director` command: one executable, one subcommand per job, one error handler.
import { readFileSync } from 'node:fs';
import { describeError, isDirectorError } from '../shared/errors.ts';

const usage = `Usage: director <command>

Commands:
  bot        run the Slack bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP mode on PORT)
  runner     pair, start or inspect a runner on this machine (director runner --help)
  local      bot and runner in one process, for one developer (needs the Slack tokens)
  demo       the whole loop offline: emulated Slack, GitHub and model, real bot, runner and codex
  start      local when SLACK_BOT_TOKEN is set, otherwise the demo
  help       show this message

Options:
  -h, --help     show this message
  -v, --version  print the version

Configuration comes from the environment (or a JSON file named by DIRECTOR_CONFIG).
See README.md for the variables and how to create the Slack app from manifest.yml.`;

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      console.log(usage);
      return 0;
    case '-v':
    case '--version':
      console.log(version());
      return 0;
    case 'bot': {
      if (rest.includes('--help') || rest.includes('-h')) {
        console.log('Usage: director bot\n\nRuns the Slack bot. Needs SLACK_BOT_TOKEN, and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).');
        return 0;
      }
      const { runBot } = await import('../bot/main.ts');
      await runBot(process.env);
      return -1; // keeps running until a signal
    }
    case 'start':
      if (!process.env.SLACK_BOT_TOKEN) return main(['demo', ...rest]);
      return main(['local', ...rest]);
    case 'demo': {
      const { runDemo } = await import('../demo/main.ts');
      return runDemo();
    }
    case 'local': {
      const { runLocal } = await import('./local.ts');
      await runLocal(process.env);
      return -1;
    }
    case 'runner': {
      const { runRunnerCli } = await import('../runner/cli.ts');
      return runRunnerCli(rest, process.env, (line) => console.log(line));
    }
    default:
      console.error(`director: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    console.error(isDirectorError(error) ? error.message : `director: ${describeError(error)}`);
    process.exitCode = 1;
  },
);
