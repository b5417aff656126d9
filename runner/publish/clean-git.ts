import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Settings on every git the publisher runs. With no system or global config and a private git
 * directory whose config only the runner writes, nothing the agent wrote can name a hook, helper,
 * proxy, URL rewrite or filter; these repeat the safe values in case a git version reads more.
 */
const SAFE_CONFIG = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.attributesFile=/dev/null',
  'core.excludesFile=/dev/null',
  'credential.helper=',
  'http.proxy=',
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.http.allow=always',
  'protocol.file.allow=never',
  'protocol.ext.allow=never',
  'diff.external=',
  'submodule.recurse=false',
].flatMap((setting) => ['-c', setting]);

/** A git that reads no config but the private directory's, never prompts and inherits no GIT_* variable. */
export interface CleanGit {
  (args: string[], extra?: Record<string, string>, cwd?: string): Promise<string>;
}

/** `path` is the only variable taken from the runner's environment; HOME points at the private directory. */
export function cleanGit(gitDir: string, path: string, timeoutMs = 10 * 60_000): CleanGit {
  return async (args, extra = {}, cwd = gitDir) => {
    const env = {
      PATH: path,
      HOME: gitDir,
      LANG: 'C',
      GIT_DIR: gitDir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_ASKPASS: '/bin/false',
      ...extra,
    };
    const { stdout } = await run('git', [...SAFE_CONFIG, ...args], { cwd, env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' });
    return stdout.trim();
  };
}
