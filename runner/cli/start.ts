import { DirectorError } from '../../shared/errors.ts';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { loadCredentials } from '../credentials.ts';
import { preflight } from '../doctor/preflight.ts';
import { runnerDatabase } from '../store/database.ts';
import { RunnerStateStore } from '../store/state.ts';

/** `director runner start`: the fast doctor checks, then the runner until a signal or the bot's refusal. */
export async function startCommand(io: RunnerCliIo): Promise<number> {
  const config = parseRunnerConfig(await io.source());
  const credentials = loadCredentials(config.home);
  const checks = preflight(config, io.env, Date.now());
  // A full doctor result is kept (it knows about GitHub and the bot); otherwise these checks are the last word.
  const db = runnerDatabase(config.home);
  try {
    const state = new RunnerStateStore(db);
    if (state.doctor()?.fast !== false) state.setDoctor(checks);
  } finally {
    db.close();
  }
  const { startRunner } = await import('../main.ts');
  const runner = startRunner({ config, credentials, env: io.env });
  const stopOnSignal = () => runner.link.stop('stopped by signal');
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const result = await runner.link.stopped;
  await runner.stop();
  if (result.fatal) throw new DirectorError('link_refused', `the bot refused this runner: ${result.reason}`);
  return 0;
}
