import { parseArgs } from 'node:util';
import { readConfigSource } from '../shared/config/source.ts';
import { DirectorError } from '../shared/errors.ts';
import { parseRunnerConfig } from './config.ts';
import { credentialsPath, loadCredentials, saveCredentials } from './credentials.ts';
import { runnerDatabase, startRunner } from './main.ts';
import { pairWithBot } from './pair.ts';
import { describeStatus } from './status.ts';

const runnerUsage = `Usage: director runner <command>

Commands:
  pair <code> --url <bot url> [--name <name>]   exchange a code from /director connect for a runner token
  start                                          connect to the bot and stay up
  status                                         connected? as whom? what is running?`;

/** `director runner …` */
export async function runRunnerCli(args: string[], env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  const [command, ...rest] = args;
  const config = () => parseRunnerConfig(readConfigSource({ env }));
  switch (command) {
    case 'pair': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { url: { type: 'string' }, name: { type: 'string' } } });
      const code = positionals[0];
      if (!code || !values.url)
        throw new DirectorError('usage', `usage: director runner pair <code> --url <bot url> [--name <name>] (the code and URL come from /director connect)`);
      const cfg = config();
      const paired = await pairWithBot({ botUrl: values.url, code, name: values.name ?? cfg.defaultName });
      const file = saveCredentials(cfg.home, { botUrl: values.url, name: paired.name, token: paired.token, pairedAt: new Date().toISOString() });
      out(`Paired as runner "${paired.name}" with ${values.url}. Token saved to ${file} (mode 0600).\nNext: director runner start`);
      return 0;
    }
    case 'start': {
      const cfg = config();
      const runner = startRunner({ config: cfg, credentials: loadCredentials(cfg.home), env });
      const stopOnSignal = () => runner.link.stop('stopped by signal');
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      const result = await runner.link.stopped;
      await runner.stop();
      if (result.fatal) throw new DirectorError('link_refused', `the bot refused this runner: ${result.reason}`);
      return 0;
    }
    case 'status': {
      const cfg = config();
      const credentials = loadCredentials(cfg.home);
      const db = runnerDatabase(cfg.home);
      try {
        out(describeStatus({ credentials, file: credentialsPath(cfg.home), db, now: Date.now(), sandbox: cfg.sandbox.mode }));
      } finally {
        db.close();
      }
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      out(runnerUsage);
      return 0;
    default:
      throw new DirectorError('usage', `unknown runner command "${command}"\n\n${runnerUsage}`);
  }
}
