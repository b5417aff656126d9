import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { saveCredentials } from '../../runner/credentials.ts';
import { runDirector, spawnDirector } from '../support/cli.ts';

/** A TCP port that accepts connections and never answers, or (closed) refuses them. */
async function silentPort(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

describe('director CLI conventions', () => {
  let home: ReturnType<typeof tempHome>;
  beforeEach(() => (home = tempHome('director-cli-conv-')));
  afterEach(() => home.remove());
  const env = (extra: Record<string, string> = {}) => ({ DIRECTOR_HOME: home.dir, ...extra });

  it.each([
    [['bot', '--help'], 'Usage: director bot'],
    [['local', '--help'], 'Usage: director local'],
    [['demo', '--help'], 'Usage: director demo'],
    [['start', '-h'], 'Usage: director start'],
    [['doctor', '--help'], 'director doctor'],
    [['help', 'demo'], 'Usage: director demo'],
    [['runner', '--help'], 'Usage: director runner <command>'],
    [['runner', 'pair', '--help'], 'Usage: director runner pair'],
    [['runner', 'start', '--help'], 'Usage: director runner start'],
    [['runner', 'status', '--help'], 'Usage: director runner status'],
    [['runner', 'doctor', '--help'], 'Usage: director runner doctor'],
    [['runner', 'close', '--help'], 'Usage: director runner close'],
    [['runner', 'unpair', '--help'], 'Usage: director runner unpair'],
  ])('%j prints its help, exits 0 and starts nothing', async (args, usage) => {
    const result = await runDirector(args, env());
    expect(result.stdout).toContain(usage);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Director demo:');
    expect(result.stderr).toBe('');
    // Nothing opened a database or wrote a token.
    expect(readdirSync(home.dir)).toEqual([]);
  });

  it.each([
    [['runner', 'pair'], 'missing argument'],
    [['runner', 'pair', 'ABCD-EFGH'], '--url is required'],
    [['runner', 'status', '--jsn'], "Unknown option '--jsn'"],
    [['runner', 'close'], 'missing argument'],
    [['runner', 'launch'], 'unknown runner command "launch"'],
    [['demo', 'now'], 'unexpected argument "now"'],
    [['bot', '--port', '3000'], "Unknown option '--port'"],
    [['--log-format', 'xml', 'bot'], '--log-format must be json or text'],
    [['help', 'launch'], 'unknown command "launch"'],
  ])('%j is a usage error: exit 2 with the usage', async (args, message) => {
    const result = await runDirector(args, env());
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: director');
    expect(result.code).toBe(2);
  });

  it('runner status of an unpaired runner exits 1 and says how to pair, also as JSON', async () => {
    const text = await runDirector(['runner', 'status'], env());
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Not paired');
    expect(text.stdout).toContain('/director connect');
    const json = await runDirector(['runner', 'status', '--json'], env());
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ paired: false, advice: expect.stringContaining('director runner pair') as unknown });
  });

  it('runner status of a paired runner that is not running exits 1 and says to start it', async () => {
    saveCredentials(home.dir, { botUrl: 'http://127.0.0.1:9', name: 'laptop', token: 'runner-token-0123456789', pairedAt: '2026-01-01T00:00:00Z' });
    const text = await runDirector(['runner', 'status'], env());
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Link:\s+not running/);
    expect(text.stdout).toContain('Next: start it with: director runner start');
    const json = await runDirector(['runner', 'status', '--json'], env());
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ paired: true, runner: 'laptop', link: { state: 'not_running' } });
    expect(json.stdout).not.toContain('runner-token-0123456789');
  });

  it('runner pair against a bot that never answers stops after the timeout, with a progress line first', async () => {
    const { server, port } = await silentPort();
    try {
      const result = await runDirector(['runner', 'pair', 'ABCD-EFGH', '--url', `http://127.0.0.1:${port}`, '--timeout', '1'], env());
      expect(result.stdout).toContain(`Pairing with http://127.0.0.1:${port}`);
      expect(result.stderr).toContain(`the bot at http://127.0.0.1:${port} did not answer within 1 s`);
      expect(result.code).toBe(1);
    } finally {
      server.close();
    }
  });

  it('runner pair against a closed port names the URL and the error', async () => {
    const { server, port } = await silentPort();
    await new Promise((resolve) => server.close(resolve));
    const result = await runDirector(['runner', 'pair', 'ABCD-EFGH', '--url', `http://127.0.0.1:${port}`], env());
    expect(result.stderr).toContain(`cannot reach the bot at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(result.code).toBe(1);
  });

  it('runner start that cannot reach its bot logs the URL and the error, not "connection lost"', async () => {
    const { server, port } = await silentPort();
    await new Promise((resolve) => server.close(resolve));
    saveCredentials(home.dir, { botUrl: `http://127.0.0.1:${port}`, name: 'laptop', token: 'runner-token-0123456789', pairedAt: '2026-01-01T00:00:00Z' });
    const runner = spawnDirector(['runner', 'start'], env({ LOG_LEVEL: 'info' }));
    try {
      const line = await runner.waitForLog(/link down/);
      expect(line).toContain(`cannot reach the bot at http://127.0.0.1:${port} (ECONNREFUSED)`);
      expect(runner.stderr()).not.toContain('connection lost');
    } finally {
      expect(await runner.stop()).toBe(0);
    }
  });

  it('names an unknown key of the DIRECTOR_CONFIG file and the closest known one', async () => {
    const file = join(home.dir, 'config.json');
    writeFileSync(file, JSON.stringify({ SLAK_API_URL: 'http://127.0.0.1:1/api/', RUNNER_CAPACITY: 2 }));
    const result = await runDirector(['runner', 'status'], env({ DIRECTOR_CONFIG: file }));
    expect(result.stderr).toContain(`SLAK_API_URL in ${file} (DIRECTOR_CONFIG) is not a Director variable: did you mean SLACK_API_URL?`);
    expect(result.code).toBe(1);
  });

  it('names the missing field of a PROJECTS entry', async () => {
    const result = await runDirector(['runner', 'status'], env({ PROJECTS: JSON.stringify([{ name: 'web', path: '/home/me/web' }]) }));
    expect(result.stderr).toContain('PROJECTS is not valid');
    expect(result.stderr).toContain('PROJECTS[0].repo is missing');
    expect(result.code).toBe(1);
  });
});

describe('director bot start-up problems', () => {
  let emu: SlackEmulator;
  let home: ReturnType<typeof tempHome>;
  beforeEach(async () => {
    emu = await startSlackEmulator();
    home = tempHome('director-cli-bot-');
  });
  afterEach(async () => {
    await emu.close();
    home.remove();
  });
  const env = (extra: Record<string, string>) => ({
    SLACK_BOT_TOKEN: emu.botToken,
    SLACK_API_URL: emu.apiUrl,
    DIRECTOR_HOME: home.dir,
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  });

  it('stops, naming SLACK_APP_TOKEN, when Slack refuses the app token', async () => {
    const result = await runDirector(['bot'], env({ SLACK_APP_TOKEN: 'xapp-1-A0-0-notthetoken' }));
    expect(result.stderr).toContain('SLACK_APP_TOKEN was refused by Slack (invalid_auth)');
    expect(result.stderr).not.toContain('xapp-1-A0-0-notthetoken');
    expect(result.code).toBe(1);
  });

  it('stops, naming PORT, when the port is in use', async () => {
    const { server, port } = await silentPort();
    try {
      const result = await runDirector(['bot'], env({ SLACK_SIGNING_SECRET: 'clisigningsecret0123', PORT: String(port) }));
      expect(result.stderr).toContain(`PORT ${port} is already in use on 127.0.0.1 (EADDRINUSE)`);
      expect(result.code).toBe(1);
    } finally {
      server.close();
    }
  });

  it('logs JSON lines by default off a terminal, and text with --log-format text', async () => {
    const json = spawnDirector(['bot'], env({ SLACK_APP_TOKEN: emu.appToken, LOG_LEVEL: 'info' }));
    const ready = await json.waitForLog(/director bot ready/);
    expect(z.object({ msg: z.string() }).parse(JSON.parse(ready)).msg).toBe('director bot ready');
    expect(await json.stop()).toBe(0);

    const text = spawnDirector(['bot', '--log-format', 'text'], env({ SLACK_APP_TOKEN: emu.appToken, LOG_LEVEL: 'info' }));
    const line = await text.waitForLog(/director bot ready/);
    expect(line.trim().startsWith('{')).toBe(false);
    expect(line).toMatch(/INFO.*director bot ready/);
    expect(text.stderr()).not.toContain(emu.appToken);
    expect(await text.stop()).toBe(0);
    expect(existsSync(join(home.dir, 'bot.sqlite'))).toBe(true);
  });
});
