import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../../emulators/github/index.ts';
import { gitAsync } from '../../emulators/support/git.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { doctorReportSchema, type DoctorReport } from '../../runner/doctor/report.ts';
import { saveCredentials } from '../../runner/credentials.ts';
import { runDirector } from '../support/cli.ts';

const agentBins = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));

/** A world where everything the doctor checks is right; each test breaks one thing. */
describe('director doctor', () => {
  let github: GitHubEmulator;
  let bot: Server;
  let botUrl: string;
  let home: ReturnType<typeof tempHome>;
  let clone: string;

  beforeAll(async () => {
    github = await startGitHubEmulator();
    await github.createRepo('acme', 'web', { files: { 'README.md': '# web\n' } });
    await github.createRepo('acme', 'other', { files: { 'README.md': '# other\n' } });
    home = tempHome('director-doctor-');
    clone = join(home.dir, 'web');
    await gitAsync(home.dir, 'clone', '-q', github.gitUrl('acme', 'web'), clone);
    mkdirSync(join(home.dir, 'not-a-repo'));
    // Stands in for the bot's /healthz: the doctor asks nothing else of it.
    bot = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    const address = bot.address();
    botUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    saveCredentials(join(home.dir, 'director'), { botUrl, name: 'laptop', token: 'runner-token-0123456789', pairedAt: '2026-01-01T00:00:00Z' });
  });

  afterAll(async () => {
    bot.close();
    await github.close();
    home.remove();
  });

  const env = (change: { project?: Record<string, unknown>; extra?: Record<string, string> } = {}) => ({
    DIRECTOR_HOME: join(home.dir, 'director'),
    PATH: `${agentBins}:${process.env.PATH ?? ''}`,
    HOME: home.dir,
    OPENAI_API_KEY: 'sk-test-doctor',
    ANTHROPIC_API_KEY: 'sk-ant-test-doctor',
    GITHUB_TOKEN: github.token,
    GITHUB_API_URL: github.apiUrl,
    GITHUB_URL: github.apiUrl,
    PROJECTS: JSON.stringify([{ name: 'web', repo: 'acme/web', path: clone, ...change.project }]),
    ...change.extra,
  });

  async function doctor(change?: Parameters<typeof env>[0]): Promise<{ code: number | null; report: DoctorReport; failed: string[] }> {
    const result = await runDirector(['doctor', '--json'], env(change));
    const report = doctorReportSchema.parse(JSON.parse(result.stdout));
    return { code: result.code, report, failed: report.checks.filter((c) => c.status === 'fail').map((c) => c.id) };
  }

  it('passes every check in a world where nothing is broken', async () => {
    const { code, report, failed } = await doctor();
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['project.web.path', 'project.web.remote', 'agent.codex', 'agent.claude', 'sandbox', 'disk', 'github.acme/web', 'bot']),
    );
    expect(code).toBe(0);
    const text = await runDirector(['doctor'], env());
    expect(text.stdout).toContain('✓ GITHUB_TOKEN may push and open pull requests on acme/web');
    expect(text.stdout).toContain('All checks passed.');
    expect(text.stdout).not.toContain(github.token);
  });

  it('fails a project path that is not a git repository', async () => {
    const { code, failed, report } = await doctor({ project: { path: join(home.dir, 'not-a-repo') } });
    expect(failed).toEqual(['project.web.path']);
    expect(report.checks.find((c) => c.id === 'project.web.path')?.text).toContain('is not a git repository');
    expect(code).toBe(1);
  });

  it('fails a clone whose remote is another repository', async () => {
    const { code, failed, report } = await doctor({ project: { repo: 'acme/other' } });
    expect(failed).toEqual(['project.web.remote']);
    expect(report.checks.find((c) => c.id === 'project.web.remote')?.text).toContain('not acme/other');
    expect(code).toBe(1);
  });

  it('fails a GITHUB_TOKEN that may read the repository but not push to it', async () => {
    github.setTokenCanPush(false);
    try {
      const { code, failed, report } = await doctor();
      expect(failed).toEqual(['github.acme/web']);
      expect(report.checks.find((c) => c.id === 'github.acme/web')).toMatchObject({ text: 'GITHUB_TOKEN may read acme/web but not push to it' });
      expect(code).toBe(1);
      // The emulator means it: a push with that token is refused too.
      await expect(gitAsync(clone, 'push', '-q', github.authGitUrl('acme', 'web'), 'HEAD:refs/heads/doctor-probe')).rejects.toThrow(/denied|403/);
    } finally {
      github.setTokenCanPush(true);
    }
  });

  it('fails an agent CLI that is not installed', async () => {
    const { code, failed } = await doctor({ extra: { AGENTS: JSON.stringify({ codex: { kind: 'codex', command: join(home.dir, 'no-such-codex') } }) } });
    expect(failed).toEqual(['agent.codex']);
    expect(code).toBe(1);
  });

  it('fails when bubblewrap is missing', async () => {
    const { code, failed, report } = await doctor({ extra: { AGENT_SANDBOX_BWRAP: join(home.dir, 'no-such-bwrap') } });
    expect(failed).toEqual(['sandbox']);
    expect(report.checks.find((c) => c.id === 'sandbox')?.fix).toContain('apt-get install bubblewrap');
    expect(code).toBe(1);
  });

  it('runner start refuses a broken project with the same sentence', async () => {
    const missing = join(home.dir, 'gone');
    const result = await runDirector(['runner', 'start'], env({ project: { path: missing } }));
    expect(result.stderr).toContain('The runner will not start');
    expect(result.stderr).toContain(`✗ project "web": PROJECTS path ${missing} does not exist: clone acme/web there, or fix "path" in PROJECTS.`);
    expect(result.code).toBe(1);
  });
});
