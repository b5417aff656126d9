import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';

describe.each(['socket', 'http'] as const)('a retried Slack event in %s mode', (mode) => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    harness = await startBotAgainst(emu, { mode });
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  it('has one effect however often it is delivered, and every delivery is acked', async () => {
    const channel = emu.addChannel({ name: 'proj', members: ['U0ALICE'] }).id;
    const { ts, eventIds } = await emu.person('U0ALICE').say(channel, '<@U0BOT> help');
    const mentionId = eventIds.find((id) => emu.deliveries.some((d) => d.eventId === id && d.kind === 'events_api'));
    expect(mentionId).toBeDefined();
    await emu.waitFor(() => emu.thread(channel, ts).length === 2);
    for (const id of eventIds) await emu.redeliverEvent(id, 3);

    const deliveries = emu.deliveries.filter((d) => eventIds.includes(d.eventId ?? ''));
    expect(deliveries).toHaveLength(eventIds.length * 4);
    expect(deliveries.every((d) => d.status === 'acked')).toBe(true);
    expect(deliveries.map((d) => d.retryNum).sort()).toEqual(eventIds.flatMap(() => [0, 1, 2, 3]).sort());
    // Give a wrongly handled retry the time to show up before asserting there is none.
    await harness.bot.outbox.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emu.thread(channel, ts)).toHaveLength(2);
  });
});
