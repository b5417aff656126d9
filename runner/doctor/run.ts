import type { RunnerConfig } from '../config.ts';
import { agentChecks } from './agents.ts';
import { botCheck, githubChecks } from './network.ts';
import { projectChecks } from './projects.ts';
import { report, warn, type CheckResult, type DoctorReport } from './report.ts';
import { diskCheck, sandboxCheck } from './system.ts';

export interface DoctorOptions {
  config: RunnerConfig;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The bot this runner is paired with; undefined when not paired. */
  botUrl: string | undefined;
  now: number;
  fetch?: typeof fetch;
}

/** The local checks `runner start` runs before connecting: no network. */
export function fastChecks({ config, env, home }: Pick<DoctorOptions, 'config' | 'env' | 'home'>): CheckResult[] {
  const none =
    config.projects.length === 0
      ? [warn('projects', 'PROJECTS is empty, so this runner has nothing to work on', 'add your projects to PROJECTS (best in the DIRECTOR_CONFIG file)')]
      : [];
  return [...none, ...config.projects.flatMap(projectChecks), ...agentChecks(config, env, home), sandboxCheck(config), diskCheck(config.home)];
}

/** Every check: the fast ones, then GitHub and the bot. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const fetchFn = options.fetch ?? fetch;
  const [github, bot] = await Promise.all([githubChecks(options.config, fetchFn), botCheck(options.botUrl, fetchFn)]);
  return report([...fastChecks(options), ...github, bot], options.now, false);
}
