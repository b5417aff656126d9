import { join } from 'node:path';
import { DirectorError } from '../../shared/errors.ts';
import type { RunnerConfig } from '../config.ts';
import { bwrapProblem } from './detect.ts';
import { bubblewrapSandbox, noSandbox, type Sandbox } from './sandbox.ts';

/** The runner's sandbox from its config; without a working bubblewrap it refuses, unless AGENT_SANDBOX=off. */
export function chooseSandbox(config: Pick<RunnerConfig, 'sandbox' | 'home'>, home: string): Sandbox {
  if (config.sandbox.mode === 'off') return noSandbox;
  const problem = bwrapProblem(config.sandbox.bwrap);
  if (problem) throw new DirectorError('sandbox_unavailable', `Director will not start agents unsandboxed: ${problem}.`);
  return bubblewrapSandbox({ bwrapPath: config.sandbox.bwrap, runnerHome: config.home, home, cacheDir: join(config.home, 'cache') });
}

/** One line for `runner status` and the log. */
export function sandboxLine(mode: Sandbox['mode']): string {
  return mode === 'off' ? 'OFF: agents run unsandboxed (AGENT_SANDBOX=off)' : 'bubblewrap';
}
