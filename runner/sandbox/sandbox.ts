import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { bwrapArgs } from './bwrap-args.ts';
import { sandboxLayout } from './layout.ts';

/** A command about to be spawned. */
export interface SandboxedCommand {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** The worktree stays read-only (the reviewer). */
  readOnly?: boolean;
}

/** Wraps every agent and verification process of the runner; `off` only when AGENT_SANDBOX=off. */
export interface Sandbox {
  mode: 'bubblewrap' | 'off';
  wrap(command: SandboxedCommand): { file: string; args: string[]; env: Record<string, string> };
}

/** No sandbox: the command runs as it is (AGENT_SANDBOX=off, said in status and logs). */
export const noSandbox: Sandbox = { mode: 'off', wrap: ({ file, args, env }) => ({ file, args: [...args], env }) };

export interface BubblewrapOptions {
  /** The bwrap binary, checked by detect.ts. */
  bwrapPath: string;
  /** DIRECTOR_HOME, hidden from agents. */
  runnerHome: string;
  /** The runner's own HOME, whose credentials are hidden too. */
  home: string;
  /** Where build caches live, shared by the runner's tasks (default $DIRECTOR_HOME/cache). */
  cacheDir?: string;
}

/** Every process in bubblewrap: see layout.ts for what it sees and bwrap-args.ts for how. */
export function bubblewrapSandbox({ bwrapPath, runnerHome, home, cacheDir = join(runnerHome, 'cache') }: BubblewrapOptions): Sandbox {
  return {
    mode: 'bubblewrap',
    wrap: ({ file, args, cwd, env, readOnly }) => {
      mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
      const homes = [...new Set([home, ...(env.HOME ? [env.HOME] : [])])];
      const layout = sandboxLayout({ cwd, env, runnerHome, homes, cacheDir, program: file, readOnly });
      // Caches a build writes go to the one writable place meant for them.
      const caches = {
        XDG_CACHE_HOME: cacheDir,
        npm_config_cache: join(cacheDir, 'npm'),
        PIP_CACHE_DIR: join(cacheDir, 'pip'),
        CARGO_HOME: join(cacheDir, 'cargo'),
        TMPDIR: '/tmp',
      };
      return { file: bwrapPath, args: bwrapArgs(layout, [file, ...args]), env: { ...env, ...caches } };
    },
  };
}

/** The same sandbox with the worktree read-only: what a reviewer runs in. */
export function readOnlyView(sandbox: Sandbox): Sandbox {
  return { mode: sandbox.mode, wrap: (command) => sandbox.wrap({ ...command, readOnly: true }) };
}
