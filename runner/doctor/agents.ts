import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import type { AgentConfig, RunnerConfig } from '../config.ts';
import { fail, ok, warn, type CheckResult } from './report.ts';

/** The executable `command` resolves to on `path`, if any (as execa would find it). */
export function findExecutable(command: string, path: string): string | undefined {
  const candidates = command.includes('/')
    ? [isAbsolute(command) ? command : join(process.cwd(), command)]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const INSTALL: Record<AgentConfig['kind'], string> = {
  codex: 'install it (npm install -g @openai/codex) or set AGENTS.codex.command to its path',
  claude: 'install it (npm install -g @anthropic-ai/claude-code) or set AGENTS.claude.command to its path',
  command: 'install it, or fix its "command" in AGENTS',
};

/** Where a logged-in agent keeps its login, when that can be seen without running it. */
function loginProblem(agent: AgentConfig, env: NodeJS.ProcessEnv, home: string): { text: string; fix: string } | undefined {
  if (agent.kind === 'codex') {
    const codexHome = agent.env.CODEX_HOME ?? env.CODEX_HOME ?? join(home, '.codex');
    if (env.OPENAI_API_KEY || agent.env.OPENAI_API_KEY || existsSync(join(codexHome, 'auth.json'))) return undefined;
    return { text: `no OPENAI_API_KEY and no login in ${codexHome}`, fix: 'run codex login' };
  }
  if (agent.kind === 'claude') {
    const dir = agent.env.CLAUDE_CONFIG_DIR ?? env.CLAUDE_CONFIG_DIR ?? join(home, '.claude');
    const logins = [join(dir, '.credentials.json'), join(home, '.claude.json')];
    if (env.ANTHROPIC_API_KEY || agent.env.ANTHROPIC_API_KEY || logins.some((f) => existsSync(f))) return undefined;
    return { text: `no ANTHROPIC_API_KEY and no login in ${dir}`, fix: 'run claude once and log in' };
  }
  return undefined;
}

/**
 * Every configured agent is installed; the ones projects use by default must be (fail), the others
 * only should be (warn). Logins are checked where they can be seen (codex, claude): a warning.
 */
export function agentChecks(config: Pick<RunnerConfig, 'agents' | 'projects'>, env: NodeJS.ProcessEnv, home: string): CheckResult[] {
  const firstAgent = Object.keys(config.agents)[0] ?? 'codex';
  const used = new Set(config.projects.map((p) => p.agent ?? firstAgent));
  const path = env.PATH ?? '';
  return Object.entries(config.agents).flatMap(([name, agent]) => {
    const command = agent.command ?? (agent.kind === 'command' ? name : agent.kind);
    const found = findExecutable(command, path);
    if (!found) {
      const text = `agent "${name}": ${command} is not installed (not found on PATH)`;
      return [
        used.has(name) ? fail(`agent.${name}`, text, INSTALL[agent.kind]) : warn(`agent.${name}`, text, `${INSTALL[agent.kind]} before a channel picks it`),
      ];
    }
    const login = loginProblem(agent, env, home);
    return [ok(`agent.${name}`, `agent "${name}": ${found}`), ...(login ? [warn(`agent.${name}.login`, `agent "${name}": ${login.text}`, login.fix)] : [])];
  });
}
