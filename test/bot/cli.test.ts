import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { runDirector, spawnDirector, type DirectorProcess } from '../support/cli.ts';

describe('the director command', () => {
  it('prints its usage with --help and exits 0', async () => {
    const { code, stdout } = await runDirector(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: director <command>');
    expect(stdout).toContain('bot');
  });

  it('refuses an unknown subcommand with the usage and exit code 2', async () => {
    const { code, stderr } = await runDirector(['launch']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "launch"');
    expect(stderr).toContain('Usage: director <command>');
  });

  it('stops with a message naming the missing variable', async () => {
    const { code, stderr } = await runDirector(['bot'], { SLACK_APP_TOKEN: 'xapp-1-A1-2-abcdef' });
    expect(code).toBe(1);
    expect(stderr).toContain('SLACK_BOT_TOKEN is missing');
    expect(stderr).not.toContain('xapp-1-A1-2-abcdef');
  });
});

describe.each(['socket', 'http'] as const)('director bot in %s mode', (mode) => {
  let emu: SlackEmulator;
  let home: string;
  let proc: DirectorProcess | undefined;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    home = mkdtempSync(join(tmpdir(), 'director-cli-'));
  });

  afterEach(async () => {
    await proc?.stop();
    await emu.close();
    rmSync(home, { recursive: true, force: true });
  });

  function env(extra: Record<string, string> = {}): Record<string, string> {
    const connection: Record<string, string> = mode === 'socket' ? { SLACK_APP_TOKEN: emu.appToken } : { SLACK_SIGNING_SECRET: 'clisigningsecret0123' };
    return {
      SLACK_BOT_TOKEN: emu.botToken,
      SLACK_API_URL: emu.apiUrl,
      DIRECTOR_HOME: home,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      ...connection,
      ...extra,
    };
  }

  it('answers /director help, logs no token and stops cleanly on SIGTERM', async () => {
    proc = spawnDirector(['bot'], env());
    const ready = await proc.waitForLog(/director bot ready/);
    const { port } = z.object({ port: z.number() }).parse(JSON.parse(ready));
    if (mode === 'http') emu.useHttp({ requestUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: 'clisigningsecret0123' });

    const channel = emu.addChannel({ name: 'proj', members: ['U0ALICE'] }).id;
    const { ack } = await emu.person('U0ALICE').slash(channel, '/director', 'help');
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack)).toContain('/director help');

    expect(await proc.stop()).toBe(0);
    const logs = proc.stderr();
    expect(logs).toContain('slash command');
    for (const secret of [emu.botToken, emu.appToken, 'clisigningsecret0123']) expect(logs).not.toContain(secret);
  });

  it('stops with a clear message when Slack refuses the bot token', async () => {
    proc = spawnDirector(['bot'], env({ SLACK_BOT_TOKEN: 'xoxb-0-not-the-right-token' }));
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toContain('SLACK_BOT_TOKEN was refused by Slack (invalid_auth)');
    expect(proc.stderr()).not.toContain('xoxb-0-not-the-right-token');
  });
});

describe('director local', () => {
  it('starts the bot and a runner paired with it in one process', async () => {
    const emu = await startSlackEmulator();
    const home = mkdtempSync(join(tmpdir(), 'director-local-'));
    const proc = spawnDirector(['local'], {
      SLACK_BOT_TOKEN: emu.botToken,
      SLACK_APP_TOKEN: emu.appToken,
      SLACK_API_URL: emu.apiUrl,
      DIRECTOR_HOME: home,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    try {
      await proc.waitForLog(/connected to the bot/);
      emu.addUser({ id: 'U0ALICE', name: 'alice' });
      emu.addUser({ id: 'U0MALLORY', name: 'mallory' });
      const channel = emu.addChannel({ name: 'proj', members: ['U0ALICE', 'U0MALLORY'] }).id;
      // Its runner has no owner until someone types the code it printed (to the terminal, never the log).
      const claim = /\/director claim (\S+)/.exec(proc.stdout())?.[1] ?? '';
      expect(claim).not.toBe('');
      expect(proc.stderr()).not.toContain(claim);
      expect(JSON.stringify((await emu.person('U0ALICE').slash(channel, '/director', 'runners')).ack)).toContain('you have none');
      expect(JSON.stringify((await emu.person('U0ALICE').slash(channel, '/director', `claim ${claim}`)).ack)).toContain('is yours now');
      expect(JSON.stringify((await emu.person('U0MALLORY').slash(channel, '/director', `claim ${claim}`)).ack)).toContain('not valid');
      const listed = JSON.stringify((await emu.person('U0ALICE').slash(channel, '/director', 'runners')).ack);
      expect(listed).toContain('(yours) — online');
      expect(JSON.stringify((await emu.person('U0MALLORY').slash(channel, '/director', 'runners')).ack)).toContain('you have none');
      expect(await proc.stop()).toBe(0);
    } finally {
      await proc.stop();
      await emu.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
