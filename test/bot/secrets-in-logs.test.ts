import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { until } from '../../emulators/support/until.ts';
import { httpRequest } from '../support/http-client.ts';

const codeIn = (text: string): string => {
  const code = /\*([0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(text)?.[1];
  if (!code) throw new Error(`no pairing code in ${text}`);
  return code;
};

describe.each(['socket', 'http'] as const)('pairing codes and tokens stay out of the debug log (%s mode)', (mode) => {
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

  it('logs /director connect, @bot connect and the pairing itself at debug level without the code or the token', async () => {
    const slash = codeIn(JSON.stringify((await emu.person('U0ALICE').slash(channel, '/director', 'connect')).ack));
    await emu.person('U0ALICE').mention(channel, 'connect');
    const ephemeral = await until(
      () => emu.ephemerals(channel, 'U0ALICE').find((e) => e.text.includes('pairing code') && !e.text.includes(slash)),
      10_000,
      'the code posted as an ephemeral',
    );
    const mentioned = codeIn(ephemeral.text);

    const paired = await httpRequest(`http://127.0.0.1:${harness.bot.port}/runner/pair`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: slash, name: 'laptop' }),
    });
    expect(paired.status).toBe(200);
    const { token } = JSON.parse(paired.body) as { token: string };

    const logs = harness.logs.join('');
    // The Slack SDKs did log the replies at debug level: the codes were there to leak.
    expect(logs).toMatch(/ack\(\)|chat\.postEphemeral/);
    for (const secret of [slash, mentioned, slash.replace('-', ''), token, emu.botToken]) expect(logs).not.toContain(secret);
  });
});
