import { homedir } from 'node:os';
import { DirectorError } from '../../shared/errors.ts';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { loadCredentials } from '../credentials.ts';
import { report, sentence } from '../doctor/report.ts';
import { fastChecks } from '../doctor/run.ts';
import { runnerDatabase } from '../store/database.ts';
import { RunnerStateStore } from '../store/state.ts';

/** `director runner start`: the fast doctor checks, then the runner until a signal or the bot's refusal. */
export async function startCommand(io: RunnerCliIo): Promise<number> {
  const config = parseRunnerConfig(await io.source());
  const credentials = loadCredentials(config.home);
  const checks = report(fastChecks({ config, env: io.env, home: io.env.HOME ?? homedir() }), Date.now(), true);
  const broken = checks.checks.filter((c) => c.status === 'fail');
  if (broken.length > 0)
    throw new DirectorError(
      'setup_broken',
      `The runner will not start: ${broken.length === 1 ? 'a problem' : `${broken.length} problems`} (director doctor checks everything)\n${broken.map((c) => `  ✗ ${sentence(c)}`).join('\n')}`,
    );
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
