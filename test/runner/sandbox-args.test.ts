import { describe, expect, it } from 'vitest';
import { bwrapArgs } from '../../runner/sandbox/bwrap-args.ts';
import { chooseSandbox } from '../../runner/sandbox/choose.ts';
import { parseRunnerConfig } from '../../runner/config.ts';
import { describeStatus } from '../../runner/status.ts';
import { runnerDatabase, startRunner } from '../../runner/main.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';

describe('the bubblewrap command line', () => {
  it('layers mounts shallow to deep: hidden homes, then the writable worktree inside, then read-only git config', () => {
    const args = bwrapArgs(
      {
        cwd: '/d/home/worktrees/demo/t1',
        writable: ['/d/home/worktrees/demo/t1', '/repo/.git', '/u/.codex'],
        readOnly: ['/repo/.git/config', '/repo/.git/hooks'],
        hiddenDirs: ['/tmp', '/d/home', '/u/.ssh'],
        hiddenFiles: ['/u/.netrc'],
      },
      ['codex', 'exec', '-'],
    );
    expect(args).toEqual([
      '--ro-bind', '/', '/',
      '--dev', '/dev',
      '--proc', '/proc',
      '--tmpfs', '/tmp',
      '--tmpfs', '/d/home',
      '--ro-bind', '/dev/null', '/u/.netrc',
      '--tmpfs', '/u/.ssh',
      '--bind', '/repo/.git', '/repo/.git',
      '--bind', '/u/.codex', '/u/.codex',
      '--ro-bind', '/repo/.git/config', '/repo/.git/config',
      '--ro-bind', '/repo/.git/hooks', '/repo/.git/hooks',
      '--bind', '/d/home/worktrees/demo/t1', '/d/home/worktrees/demo/t1',
      '--unshare-user', '--cap-drop', 'ALL',
      '--unshare-pid', '--unshare-ipc', '--die-with-parent', '--new-session',
      '--chdir', '/d/home/worktrees/demo/t1',
      '--', 'codex', 'exec', '-',
    ]); // prettier-ignore
  });
});

describe('choosing the runner’s sandbox', () => {
  it('refuses to start agents without bubblewrap, saying how to install it', () => {
    const config = parseRunnerConfig({ DIRECTOR_HOME: '/nonexistent/director', AGENT_SANDBOX_BWRAP: '/nonexistent/bwrap' });
    expect(() => chooseSandbox(config, '/nonexistent/home')).toThrow(/will not start agents unsandboxed.*apt-get install bubblewrap.*AGENT_SANDBOX=off/s);
  });

  it('runs unsandboxed only when told AGENT_SANDBOX=off, and runner status says so', () => {
    const config = parseRunnerConfig({ AGENT_SANDBOX: 'off', AGENT_SANDBOX_BWRAP: '/nonexistent/bwrap' });
    const sandbox = chooseSandbox(config, '/nonexistent/home');
    expect(sandbox.mode).toBe('off');
    expect(sandbox.wrap({ file: 'bash', args: ['-c', 'true'], cwd: '/', env: {} })).toEqual({ file: 'bash', args: ['-c', 'true'], env: {} });
    const home = tempHome('director-status-');
    const db = runnerDatabase(home.dir);
    try {
      const credentials = { botUrl: 'http://bot', name: 'laptop', token: 'x', pairedAt: '' };
      const status = describeStatus({ credentials, file: 'runner.json', db, now: Date.now(), sandbox: sandbox.mode });
      expect(status).toContain('Sandbox:   OFF: agents run unsandboxed (AGENT_SANDBOX=off)');
      expect(describeStatus({ credentials, file: 'runner.json', db, now: Date.now(), sandbox: 'bubblewrap' })).toContain('Sandbox:   bubblewrap');
    } finally {
      db.close();
      home.remove();
    }
  });

  it('the runner itself refuses to start without bubblewrap, and warns in its log when AGENT_SANDBOX=off', async () => {
    const home = tempHome('director-runner-sandbox-');
    const credentials = { botUrl: 'http://127.0.0.1:9', name: 'laptop', token: 'x'.repeat(40), pairedAt: '' };
    try {
      const missing = parseRunnerConfig({ DIRECTOR_HOME: home.dir, AGENT_SANDBOX_BWRAP: '/nonexistent/bwrap' });
      expect(() => startRunner({ config: missing, credentials, env: {} })).toThrow(/apt-get install bubblewrap/);
      const lines: string[] = [];
      const off = parseRunnerConfig({ DIRECTOR_HOME: home.dir, AGENT_SANDBOX: 'off', AGENT_SANDBOX_BWRAP: '/nonexistent/bwrap' });
      const runner = startRunner({ config: off, credentials, env: {}, logSink: { write: (line) => lines.push(line) } });
      await runner.stop();
      expect(lines.join('')).toContain('agents and tests run UNSANDBOXED');
    } finally {
      home.remove();
    }
  });

  it('rejects an unknown AGENT_SANDBOX value, naming the choices', () => {
    expect(() => parseRunnerConfig({ AGENT_SANDBOX: 'maybe' })).toThrow(/AGENT_SANDBOX is not valid.*bubblewrap.*off/s);
  });
});
