import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';

describe.each(['socket', 'http'] as const)('/director in %s mode', (mode) => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;
  let channel: string;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    channel = emu.addChannel({ name: 'proj', members: ['U0ALICE'] }).id;
    harness = await startBotAgainst(emu, { mode });
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  it('answers help with the usage, only to the person who asked', async () => {
    const { ack } = await emu.person('U0ALICE').slash(channel, '/director', 'help');
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(ack)).toContain('/director help');
    expect(emu.messages(channel)).toHaveLength(0);
  });

  it('answers an unknown subcommand with a short error, the closest command and the usage', async () => {
    const { ack } = await emu.person('U0ALICE').slash(channel, '/director', 'hepl');
    const text = JSON.stringify(ack);
    expect(text).toContain("I don't know the command");
    expect(text).toContain('Did you mean');
    expect(text).toContain('Usage');
  });

  it('answers a mention in the thread of the mention', async () => {
    const { ts } = await emu.person('U0ALICE').say(channel, '<@U0BOT> help');
    const thread = await emu.waitFor(() => {
      const replies = emu.thread(channel, ts);
      return replies.length === 2 ? replies : undefined;
    });
    expect(thread[1]?.user).toBe('U0BOT');
    expect(thread[1]?.text).toContain('/director help');
  });
});
