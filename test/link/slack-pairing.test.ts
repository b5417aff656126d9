import { statSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { credentialsSchema } from '../../runner/credentials.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { runDirector, spawnDirector, type DirectorProcess } from '../support/cli.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';

describe('pairing a runner from Slack, end to end', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;
  let home: ReturnType<typeof tempHome>;
  let runner: DirectorProcess | undefined;
  let channel: string;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    emu.addUser({ id: 'U0BOB', name: 'bob' });
    channel = emu.addChannel({ name: 'proj', members: ['U0ALICE', 'U0BOB'] }).id;
    harness = await startBotAgainst(emu, { mode: 'socket', link: { heartbeatMs: 500 } });
    home = tempHome('director-runner-');
  });

  afterEach(async () => {
    await runner?.stop();
    await harness.stop();
    await emu.close();
    home.remove();
  });

  const slash = async (text: string) => JSON.stringify((await emu.person('U0ALICE').slash(channel, '/director', text)).ack);
  const env = () => ({ DIRECTOR_HOME: home.dir, LOG_LEVEL: 'info', LINK_HEARTBEAT_MS: '500' });

  it('pairs with a code shown only to the asker, connects, lists, and is revoked', async () => {
    const connect = await slash('connect');
    const code = /\*([0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(connect)?.[1];
    expect(code).toBeDefined();
    expect(connect).toContain('director runner pair');
    expect(connect).not.toContain('npx director');
    expect(emu.messages(channel)).toHaveLength(0);

    const url = `http://127.0.0.1:${harness.bot.port}`;
    const paired = await runDirector(['runner', 'pair', code ?? '', '--url', url, '--name', 'laptop'], env());
    expect(paired.code).toBe(0);
    expect(paired.stdout).toContain('Paired as runner "laptop"');
    const tokenFile = `${home.dir}/runner.json`;
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const { token } = credentialsSchema.parse(JSON.parse(readFileSync(tokenFile, 'utf8')));

    const reused = await runDirector(['runner', 'pair', code ?? '', '--url', url, '--name', 'other'], env());
    expect(reused.code).toBe(1);
    expect(reused.stderr).toContain('already used');

    expect(await slash('runners')).toContain('never connected');
    runner = spawnDirector(['runner', 'start'], env());
    await runner.waitForLog(/connected to the bot/);
    const listed = await slash('runners');
    expect(listed).toContain('*laptop* (yours) — online');
    expect(listed).toContain('0/4 running');
    // runner start's own checks passed (no projects, agents optional): its hello said so.
    expect(listed).toMatch(/doctor ✓ \d+s ago/);

    const status = await runDirector(['runner', 'status'], env());
    expect(status.stdout).toMatch(/Link:\s+connected/);
    expect(status.stdout).toContain('Runner:    laptop');
    expect(status.stdout).toContain('Running:   no tasks');

    // Someone else in the channel can neither see nor revoke it.
    const bob = async (text: string) => JSON.stringify((await emu.person('U0BOB').slash(channel, '/director', text)).ack);
    expect(await bob('runners')).not.toContain('laptop');
    expect(await bob('runners revoke laptop')).toContain('only a runner’s owner revokes it');
    expect(await slash('runners revoke laptop')).toContain('Revoked runner *laptop*');
    expect(await runner.exited).toBe(1);
    expect(runner.stderr()).toContain('was revoked in Slack');
    expect(runner.stderr()).not.toContain(token);
    expect(await slash('runners')).toContain('you have none');

    // runner status says so, exits 1, and advises pairing again rather than starting.
    const revoked = await runDirector(['runner', 'status', '--json'], env());
    expect(revoked.code).toBe(1);
    const report = z.object({ link: z.object({ state: z.string() }), advice: z.string() }).parse(JSON.parse(revoked.stdout));
    expect(report.link.state).toBe('refused');
    expect(report.advice).toContain('director runner pair');
    expect(report.advice).not.toContain('runner start');

    // The revoked token is refused at once, without retrying in a loop.
    const again = await runDirector(['runner', 'start'], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('revoked');
  });

  it('refuses a guessed code with a clear message', async () => {
    const result = await runDirector(['runner', 'pair', 'ZZZZ-ZZZZ', '--url', `http://127.0.0.1:${harness.bot.port}`], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('pairing code is not valid');
  });

  it('tells an unpaired runner how to pair', async () => {
    const result = await runDirector(['runner', 'start'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not paired');
    expect(result.stderr).toContain('/director connect');
  });
});
