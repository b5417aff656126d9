import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst, type BotUnderTest } from '../../emulators/support/bot-harness.ts';
import { until } from '../../emulators/support/until.ts';
import { pairWithBot } from '../../runner/pair.ts';

/** The Home tab, with the real bot (Bolt in Socket Mode) against the Slack emulator. */
describe('App Home', () => {
  let emu: SlackEmulator;
  let harness: BotUnderTest;
  let web: string;
  let api: string;

  beforeEach(async () => {
    emu = await startSlackEmulator();
    emu.addUser({ id: 'U0ALICE', name: 'alice' });
    emu.addUser({ id: 'U0BOB', name: 'bob' });
    web = emu.addChannel({ name: 'web', members: ['U0BOB'] }).id;
    api = emu.addChannel({ name: 'api', members: ['U0ALICE'] }).id;
    harness = await startBotAgainst(emu, { mode: 'socket' });
  });

  afterEach(async () => {
    await harness.stop();
    await emu.close();
  });

  const slash = async (user: string, channel: string, text: string) => JSON.stringify((await emu.person(user).slash(channel, '/director', text)).ack);
  const homeText = () => JSON.stringify(emu.home('U0ALICE')?.view.blocks ?? []);

  /** Alice pairs a runner the way the README says: /director connect, then the code. */
  async function pair(name: string): Promise<void> {
    const code = /\*([0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(await slash('U0ALICE', api, 'connect'))?.[1] ?? '';
    await pairWithBot({ botUrl: `http://127.0.0.1:${harness.bot.port}`, code, name });
  }

  it('shows a runner owner her runners and the binding request waiting for her; Approve there binds the channel', async () => {
    await pair('laptop');
    await pair('desktop');
    expect(await slash('U0ALICE', api, 'init acme/api --runner desktop')).toContain('now directs');
    expect(await slash('U0BOB', web, 'init acme/web --runner laptop')).toContain('Asked <@U0ALICE>');

    await emu.person('U0ALICE').openHome();
    await until(() => emu.home('U0ALICE'), 10_000, 'the Home tab to be published');
    const shown = homeText();
    expect(shown).toContain('*laptop* — ⚪ never connected · 0/0 running · sandbox unknown · no doctor result yet');
    expect(shown).toContain('*desktop* — ⚪ never connected');
    expect(shown).toContain('asks to bind <#' + web + '> to your runner *laptop* for *acme/web*');
    expect(shown).toContain('"action_id":"binding_approve"');
    expect(shown).toContain(`<#${api}> — *acme/api* on *desktop*`);
    // Bob sees none of it.
    await emu.person('U0BOB').openHome();
    await until(() => emu.home('U0BOB'), 10_000, "bob's Home");
    expect(JSON.stringify(emu.home('U0BOB')?.view.blocks)).toContain('You have no runner');
    expect(JSON.stringify(emu.home('U0BOB')?.view.blocks)).not.toContain('laptop');

    await emu.person('U0ALICE').clickHome('binding_approve');
    await until(() => emu.messages(web).some((m) => m.text?.includes('approved by its owner')), 10_000, 'the channel to be told');
    await until(() => homeText().includes('No binding request waits for your answer'), 10_000, 'the Home to drop the answered request');
    expect(homeText()).not.toContain('binding_approve');

    // A new request for her runner reaches her open Home without her reopening it (throttled).
    const docs = emu.addChannel({ name: 'docs', members: ['U0BOB'] }).id;
    expect(await slash('U0BOB', docs, 'init acme/docs --runner laptop')).toContain('Asked <@U0ALICE>');
    await until(() => homeText().includes('for *acme/docs*'), 15_000, 'the Home to show the new request');
  });
});
