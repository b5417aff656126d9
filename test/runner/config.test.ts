import { describe, expect, it } from 'vitest';
import { parseRunnerConfig } from '../../runner/config.ts';

describe('runner configuration', () => {
  it('reads projects and agents from JSON (env or config file) and keeps codex and claude available', () => {
    const config = parseRunnerConfig(
      {
        PROJECTS: JSON.stringify([{ name: 'web', repo: 'acme/web', path: '/src/web', testCommand: 'npm test' }]),
        AGENTS: { aider: { kind: 'command', command: '/usr/local/bin/aider', input: 'stdin' } },
        GITHUB_TOKEN: 'ghp_0123456789abcdefghijABCDEFGHIJ012345',
        RUNNER_CAPACITY: '6',
      },
      '/home/ada',
      'ada laptop.local',
    );
    expect(config.projects).toEqual([{ name: 'web', repo: 'acme/web', path: '/src/web', defaultBranch: 'main', remote: 'origin', testCommand: 'npm test' }]);
    expect(Object.keys(config.agents).sort()).toEqual(['aider', 'claude', 'codex']);
    expect(config).toMatchObject({ capacity: 6, home: '/home/ada/.config/director', defaultName: 'ada-laptop.local', fixupTurns: 2 });
    expect(config.github).toEqual({ token: 'ghp_0123456789abcdefghijABCDEFGHIJ012345', apiUrl: 'https://api.github.com', url: 'https://github.com' });
  });

  it('names what is wrong with a project or an agent, and hides the token', () => {
    let message = '';
    try {
      parseRunnerConfig({ PROJECTS: '[{"name":"web","repo":"not a repo","path":"/x"}]', AGENTS: '{"mine":{"kind":"command"}}', GITHUB_TOKEN: 'short-secret' });
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('PROJECTS is not valid');
    expect(message).toContain('AGENTS is not valid');
    expect(message).toContain('GITHUB_TOKEN is not valid');
    expect(message).not.toContain('short-secret');
  });
});
