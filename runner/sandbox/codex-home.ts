import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { AgentConfig } from '../config.ts';

/**
 * codex, once bubblewrap is installed, links its `codex-linux-sandbox` helper inside CODEX_HOME and
 * refuses to do so under the temp directory; then every shell call and file edit it makes fails.
 * This finds a codex agent set up that way, so the runner says so at start instead of every task failing.
 */
export function codexHomeProblem(agents: Record<string, AgentConfig>, env: NodeJS.ProcessEnv, home: string, temp = tmpdir()): string | undefined {
  for (const [name, agent] of Object.entries(agents)) {
    if (agent.kind !== 'codex') continue;
    const codexHome = resolve(agent.env.CODEX_HOME ?? env.CODEX_HOME ?? join(home, '.codex'));
    const inside = relative(resolve(temp), codexHome);
    if (inside === '' || (!inside.startsWith('..') && !inside.startsWith('/'))) {
      return `agent "${name}" keeps CODEX_HOME under the temp directory (${codexHome}); codex with bubblewrap refuses to link its sandbox helper there, so every command it runs would fail: set CODEX_HOME to a directory outside ${temp}`;
    }
  }
  return undefined;
}
