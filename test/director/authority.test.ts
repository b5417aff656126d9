import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairWithBot } from '../../runner/pair.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';

/**
 * Who may do what, tried as the people in a workspace would: alice owns runner "laptop" (the world
 * pairs it through /director connect as her) and binds #demo; bob is a member of #demo; mallory has
 * a channel of her own and no business with alice's machine.
 */
describe('authority: owners, maintainers and members', () => {
  let loop: WholeLoop;
  let mallorys: string;

  beforeEach(async () => {
    loop = await startWholeLoop({ issues: ['Crash on empty config'] });
    loop.slack.addUser({ id: 'U0MALLORY', name: 'mallory' });
    mallorys = loop.slack.addChannel({ name: 'mallory', members: ['U0MALLORY', 'U0BOB'] }).id;
    loop.model.script('write the changelog', {
      turns: [{ steps: [{ writeFile: { path: 'CHANGELOG.md', content: '# Changes\n' } }, { message: 'Wrote it.' }] }],
    });
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
  });

  afterEach(async () => {
    await loop.close();
  });

  const say = async (user: string, channel: string, text: string) => JSON.stringify((await loop.slack.person(user).slash(channel, '/director', text)).ack);
  const posts = (channel: string) => loop.slack.messages(channel).map((m) => m.text ?? '');
  const requestFor = (owner: string) => loop.slack.directMessages(owner).find((m) => JSON.stringify(m.blocks ?? []).includes('binding_approve'));

  it('binds a stranger’s channel to alice’s runner only when alice approves from the buttons, and tells both channels', async () => {
    const { slack, channel } = loop;
    expect(await say('U0ALICE', channel, 'init acme/demo --runner laptop')).toContain('now directs');

    // Mallory asks for alice's runner from her own channel: nothing reaches the runner, alice is asked.
    const asked = await say('U0MALLORY', mallorys, 'init acme/demo --runner laptop');
    expect(asked).toContain('Asked <@U0ALICE>, the owner of runner *laptop*, to approve');
    expect(await say('U0MALLORY', mallorys, 'do write the changelog')).toContain('not bound to a project yet');
    const request = await until(() => requestFor('U0ALICE'), 10_000, 'the request in alice’s direct messages');
    expect(request.text).toContain('<@U0MALLORY> asks to bind');
    expect(posts(mallorys).some((t) => t.includes('asked <@U0ALICE> to bind this channel'))).toBe(true);

    await slack.person('U0ALICE').click(request.channel, request.ts, 'binding_approve');
    await until(() => posts(mallorys).some((t) => t.includes('bound this channel to *acme/demo*')), 10_000, 'the approval announced');
    expect(posts(mallorys).find((t) => t.includes('bound this channel'))).toContain('approved by its owner <@U0ALICE>');
    await until(() => requestFor('U0ALICE') === undefined, 10_000, 'the request message without its buttons');
    expect(slack.directMessages('U0ALICE').some((m) => m.text?.includes('was approved'))).toBe(true);

    // Approved: mallory's channel now runs a task on alice's runner.
    expect(await say('U0MALLORY', mallorys, 'do write the changelog')).toContain('Started 1 task(s)');
    await until(() => slack.messages(mallorys).some((m) => m.text?.includes('PR ready for review')), 90_000, 'the task done');
    expect(JSON.stringify(await say('U0MALLORY', mallorys, 'audit'))).toContain('approved by its owner');
  });

  it('lets alice deny: the channel stays unbound and is told', async () => {
    const { slack } = loop;
    await say('U0MALLORY', mallorys, 'init acme/demo --runner laptop');
    const request = await until(() => requestFor('U0ALICE'), 10_000, 'the request');
    await slack.person('U0ALICE').click(request.channel, request.ts, 'binding_deny');
    await until(() => posts(mallorys).some((t) => t.includes('declined binding this channel')), 10_000, 'the denial announced');
    expect(await say('U0MALLORY', mallorys, 'do write the changelog')).toContain('not bound to a project yet');
    await until(() => slack.directMessages('U0ALICE').some((m) => m.text?.includes('was denied')), 10_000, 'the request marked denied');
  });

  it('keeps a channel’s settings with its maintainers: a member cannot re-init, take over, or stop all', async () => {
    const { channel } = loop;
    expect(await say('U0ALICE', channel, 'init acme/demo --runner laptop')).toContain('now directs');
    expect(await say('U0BOB', channel, 'init acme/demo --runner laptop --maintainers <@U0BOB> --steer maintainers')).toContain(
      'Only this channel’s maintainers (<@U0ALICE>) change its settings',
    );
    expect(await say('U0BOB', channel, 'do write the changelog')).toContain('Started 1 task(s)');
    expect(await say('U0BOB', channel, 'stop all')).toContain('Only this channel’s maintainers stop all tasks');

    // Alice changes a setting: the channel is told in one line, and the audit has it.
    await say('U0ALICE', channel, 'init acme/demo --steer maintainers');
    await until(() => posts(channel).some((t) => t.includes('<@U0ALICE> changed who may steer to the starter and maintainers')), 10_000, 'the announcement');
    expect(posts(channel).filter((t) => t.includes('changed')).length).toBe(1);
    expect(await say('U0BOB', channel, 'audit')).toContain('changed who may steer');
  });

  it('binds by runner id: another person’s runner of the same name gets nothing, and a revoked runner’s channels are told', async () => {
    const { slack, channel } = loop;
    expect(await say('U0ALICE', channel, 'init acme/demo --runner laptop')).toContain('now directs');
    // Mallory pairs a runner of her own, also named "laptop".
    const connect = await say('U0MALLORY', mallorys, 'connect');
    const code = /\*([0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(connect)?.[1] ?? '';
    const hers = await pairWithBot({ botUrl: `http://127.0.0.1:${loop.bot.bot.port}`, code, name: 'laptop' });
    expect(hers.name).toBe('laptop');
    // Alice's channel still runs on alice's runner.
    expect(await say('U0ALICE', channel, 'do write the changelog')).toContain('Started 1 task(s)');
    await until(() => slack.messages(channel).some((m) => m.text?.includes('PR ready for review')), 90_000, 'the task done on alice’s runner');
    // Mallory's "revoke laptop" revokes her own runner, never alice's.
    expect(await say('U0MALLORY', mallorys, 'runners revoke laptop')).toContain('Revoked runner *laptop*');
    expect(loop.runner?.endpoint.connected).toBe(true);
    expect(await say('U0ALICE', channel, 'runners')).toContain('*laptop* (this channel’s, owned by <@U0ALICE>) — online');
    expect(await say('U0ALICE', channel, 'runners revoke laptop')).toContain('Revoked runner *laptop*');
    await until(() => posts(channel).some((t) => t.includes('revoked runner *laptop*')), 10_000, 'the channel told');
    expect(await say('U0ALICE', channel, 'do write the changelog')).toContain('its runner was revoked or never bound');
  });
});
