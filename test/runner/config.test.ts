import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { defaultVerifyCommand, parseRunnerConfig, verifyCommandsOf } from '../../runner/config.ts';
import { startRunner } from '../../runner/main.ts';

describe('runner configuration', () => {
  it('reads PostHog for reports only with host, project and personal key, and refuses capture without the project key', () => {
    const base = { POSTHOG_HOST: 'https://eu.posthog.com/', POSTHOG_PROJECT_ID: '42', POSTHOG_PERSONAL_API_KEY: 'phx_0123456789abcdefghij' };
    expect(parseRunnerConfig(base).posthog).toEqual({ query: { host: 'https://eu.posthog.com', projectId: 42, apiKey: 'phx_0123456789abcdefghij' } });
    expect(parseRunnerConfig({ POSTHOG_HOST: 'https://eu.posthog.com' }).posthog).toEqual({});
    expect(() => parseRunnerConfig({ ...base, POSTHOG_CAPTURE: '1' })).toThrow(/POSTHOG_CAPTURE=1 needs POSTHOG_PROJECT_API_KEY/);
    expect(parseRunnerConfig({ ...base, POSTHOG_CAPTURE: '1', POSTHOG_PROJECT_API_KEY: 'phc_0123456789abcdefghij' }).posthog.capture).toEqual({
      host: 'https://eu.posthog.com',
      projectKey: 'phc_0123456789abcdefghij',
    });
  });

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

  it('reads named verify commands with a default, and keeps a project with only testCommand as it was', () => {
    const projects = [
      { name: 'web', repo: 'acme/web', path: '/src/web', verifyCommands: { unit: 'npm test', full: 'npm run test:all' }, verify: 'unit' },
      { name: 'api', repo: 'acme/api', path: '/src/api', testCommand: 'make test', verifyCommands: { 'e2e-slow': "make e2e ARGS='--slow'" } },
      { name: 'old', repo: 'acme/old', path: '/src/old', testCommand: 'npm test' },
    ];
    const [web, api, old] = parseRunnerConfig({ PROJECTS: JSON.stringify(projects) }).projects;
    if (!web || !api || !old) throw new Error('three projects expected');
    expect([defaultVerifyCommand(web), defaultVerifyCommand(api), defaultVerifyCommand(old)]).toEqual(['npm test', 'make test', 'npm test']);
    expect(verifyCommandsOf(web)).toEqual(['npm test', 'npm run test:all']);
    expect(verifyCommandsOf(api)).toEqual(['make test', "make e2e ARGS='--slow'"]);
    expect(old).toEqual({ name: 'old', repo: 'acme/old', path: '/src/old', defaultBranch: 'main', remote: 'origin', testCommand: 'npm test' });
    expect(defaultVerifyCommand({ ...old, testCommand: undefined })).toBeUndefined();
  });

  it('names what is wrong with verify commands: a default that is not among them, both defaults, a bad name, a command that cannot be split', () => {
    const problems = (project: Record<string, unknown>) => {
      try {
        parseRunnerConfig({ PROJECTS: [{ name: 'web', repo: 'acme/web', path: '/src/web', ...project }] });
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
      throw new Error('expected a configuration error');
    };
    expect(problems({ verifyCommands: { unit: 'npm test' }, verify: 'full' })).toContain(
      'PROJECTS is not valid: project "web": "verify" names "full", which is not among its verifyCommands (unit): add it there or name one of them;',
    );
    expect(problems({ verify: 'unit' })).toContain('"verify" names "unit", which is not among its verifyCommands (none)');
    expect(problems({ verify: 'constructor' })).toContain('"verify" names "constructor", which is not among its verifyCommands (none)');
    expect(problems({ testCommand: 'npm test', verifyCommands: { unit: 'npm test' }, verify: 'unit' })).toContain(
      'give "verify" (the name of the default among verifyCommands) or "testCommand", not both',
    );
    expect(problems({ verifyCommands: { 'Full Suite': 'npm test' } })).toContain(
      'the verify command name "Full Suite" is not valid: use 1 to 32 lowercase letters',
    );
    expect(problems({ verifyCommands: { x: 'npm test' }, testCommand: "sh -c 'oops" })).toContain("testCommand (sh -c 'oops): unterminated ' in command");
    expect(problems({ verifyCommands: { blank: '   ' } })).toContain('verifyCommands.blank (   ): is empty');
  });

  it('keeps 8 KB summaries and 14 days of raw events by default, and reads a model-backed summariser', () => {
    const defaults = parseRunnerConfig({});
    expect(defaults).toMatchObject({ summaryBudget: 8192, eventRetentionMs: 14 * 24 * 60 * 60_000, summariser: { kind: 'deterministic' } });
    const configured = parseRunnerConfig({
      EVENT_RETENTION_DAYS: '0',
      SUMMARISER: '{"kind":"openai","baseUrl":"http://127.0.0.1:9/v1","model":"small","apiKeyEnv":"SUMMARY_KEY"}',
    });
    expect(configured.eventRetentionMs).toBe(0);
    expect(configured.summariser).toEqual({ kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'small', apiKeyEnv: 'SUMMARY_KEY', timeoutMs: 20_000 });
    expect(parseRunnerConfig({ SUMMARISER: { kind: 'agent', agent: 'claude' } }).summariser).toEqual({ kind: 'agent', agent: 'claude', timeoutMs: 60_000 });
    expect(() => parseRunnerConfig({ SUMMARISER: '{"kind":"magic"}' })).toThrow(/SUMMARISER is not valid/);
    expect(() => parseRunnerConfig({ SUMMARY_BUDGET_BYTES: '10' })).toThrow(/SUMMARY_BUDGET_BYTES/);
  });

  it('refuses to start a runner whose summariser names an unknown agent or a key that is not set', () => {
    const credentials = { botUrl: 'http://127.0.0.1:9', name: 'laptop', token: 'drt_0123456789abcdef0123456789abcdef', pairedAt: '' };
    const home = '/nonexistent/director-never-created';
    const unknownAgent = parseRunnerConfig({ DIRECTOR_HOME: home, SUMMARISER: '{"kind":"agent","agent":"nope"}' });
    expect(() => startRunner({ config: unknownAgent, credentials })).toThrow(
      /SUMMARISER names the agent "nope", which is not configured: use one of codex, claude/,
    );
    const noKey = parseRunnerConfig({
      DIRECTOR_HOME: home,
      SUMMARISER: '{"kind":"openai","baseUrl":"http://127.0.0.1:9/v1","model":"m","apiKeyEnv":"SUMMARY_KEY"}',
    });
    expect(() => startRunner({ config: noKey, credentials, env: {} })).toThrow(/reads its API key from SUMMARY_KEY, which is not set/);
    expect(existsSync(home)).toBe(false);
  });
});
