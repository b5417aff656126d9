import { homedir } from 'node:os';
import { DirectorError } from '../../shared/errors.ts';
import type { RunnerConfig } from '../config.ts';
import { report, sentence, type DoctorReport } from './report.ts';
import { fastChecks } from './run.ts';

/** The fast doctor checks a runner passes before it starts; a failure stops it with their sentences. */
export function preflight(config: RunnerConfig, env: NodeJS.ProcessEnv, now: number): DoctorReport {
  const checks = report(fastChecks({ config, env, home: env.HOME ?? homedir() }), now, true);
  const broken = checks.checks.filter((c) => c.status === 'fail');
  if (broken.length > 0)
    throw new DirectorError(
      'setup_broken',
      `The runner will not start: ${broken.length === 1 ? 'a problem' : `${broken.length} problems`} (director doctor checks everything)\n${broken.map((c) => `  ✗ ${sentence(c)}`).join('\n')}`,
    );
  return checks;
}
