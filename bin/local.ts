// `director local`: the bot and a runner in one process, joined by a real WebSocket on loopback.
import { startBot } from '../bot/main.ts';
import { parseBotConfig } from '../bot/config.ts';
import { parseRunnerConfig } from '../runner/config.ts';
import { startRunner } from '../runner/main.ts';
import { preflight } from '../runner/doctor/preflight.ts';
import { readSource } from './config-source.ts';

export async function runLocal(env: NodeJS.ProcessEnv): Promise<void> {
  const source = readSource(env);
  const botConfig = parseBotConfig(source);
  const runnerConfig = parseRunnerConfig(source);
  preflight(runnerConfig, env, Date.now());
  // Listening from the start: a signal while starting stops what has started, once it has.
  const started: { stop?: () => Promise<void> } = {};
  let stopAsked = false;
  const stop = () => {
    if (!started.stop) {
      stopAsked = true;
      return;
    }
    void started.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bot = await startBot({ config: botConfig });
  const name = runnerConfig.defaultName;
  // The workspace is the bot's: a local runner's owner is a person of the workspace it is installed in.
  const { token, claimCode } = bot.pairLocalRunner(name, botConfig.localOwner ? { user: botConfig.localOwner, team: null } : undefined);
  const runner = startRunner({
    config: runnerConfig,
    credentials: { botUrl: `http://127.0.0.1:${bot.port}`, name, token, pairedAt: new Date().toISOString() },
    env,
  });
  bot.log.info({ runner: name }, 'director local: bot and runner started; bind a channel with /director init owner/repo');
  // The claim code goes to the terminal only, never to the log.
  if (claimCode)
    process.stdout.write(`Runner "${name}" has no owner yet. In Slack, type: /director claim ${claimCode}\n(or set DIRECTOR_OWNER to your Slack user id)\n`);
  started.stop = () => runner.stop().then(() => bot.stop());
  if (stopAsked) stop();
}
