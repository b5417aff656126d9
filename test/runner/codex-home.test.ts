import { describe, expect, it } from 'vitest';
import { agentSchema } from '../../runner/config.ts';
import { codexHomeProblem } from '../../runner/sandbox/codex-home.ts';

describe('codex with bubblewrap and a CODEX_HOME under the temp directory', () => {
  const codex = (env: Record<string, string> = {}) => ({ codex: agentSchema.parse({ kind: 'codex', env }) });

  it('is found from the agent’s env, the runner’s env or the default under HOME, and says how to fix it', () => {
    expect(codexHomeProblem(codex({ CODEX_HOME: '/tmp/x/codex' }), {}, '/home/me', '/tmp')).toContain('set CODEX_HOME to a directory outside /tmp');
    expect(codexHomeProblem(codex(), { CODEX_HOME: '/tmp/codex' }, '/home/me', '/tmp')).toContain('agent "codex"');
    expect(codexHomeProblem(codex(), {}, '/tmp/home', '/tmp')).toContain('/tmp/home/.codex');
  });

  it('says nothing for a CODEX_HOME elsewhere, or for agents that are not codex', () => {
    expect(codexHomeProblem(codex(), {}, '/home/me', '/tmp')).toBeUndefined();
    expect(codexHomeProblem(codex({ CODEX_HOME: '/tmpfoo/codex' }), {}, '/home/me', '/tmp')).toBeUndefined();
    expect(codexHomeProblem({ claude: agentSchema.parse({ kind: 'claude', env: { CODEX_HOME: '/tmp/x' } }) }, {}, '/home/me', '/tmp')).toBeUndefined();
  });
});
