import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';

describe('Socket Mode link', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    // The client waits clientPingTimeout × attempt before reconnecting; shorten it for the test.
    harness = await startBotAgainst(emu, { mode: 'socket', socketMode: { clientPingTimeoutMs: 1500 } });
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  it.each(['refresh_requested', 'warning'] as const)('reconnects after a %s disconnect and keeps answering', async (reason) => {
    const channel = emu.addChannel({ name: 'proj', members: ['U0ALICE'] }).id;
    const alice = emu.person('U0ALICE');
    expect((await alice.slash(channel, '/director', 'help')).ack).toMatchObject({ response_type: 'ephemeral' });
    const opened = () => emu.apiCalls.filter((c) => c.method === 'apps.connections.open').length;
    // One socket; the bot also opened one URL at start only to check SLACK_APP_TOKEN.
    expect(emu.socketConnections).toBe(1);
    const before = opened();

    await emu.disconnectSocket(reason);
    await emu.waitFor(() => emu.socketConnections === 1 && opened() === before + 1, { timeoutMs: 20_000, message: 'bot did not reconnect' });

    const again = await alice.slash(channel, '/director', 'help');
    expect(JSON.stringify(again.ack)).toContain('/director help');
  });
});
