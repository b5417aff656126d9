import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';
import { agentScript } from '../support/engine-harness.ts';

/** A command agent prints whatever it likes: none of it reaches Slack, and a failure says why in a sentence. */
describe('a command agent in Slack', () => {
  let loop: WholeLoop;
  let scripts: ReturnType<typeof tempHome>;

  beforeEach(async () => {
    // Outside /tmp, where a checkout may live: the sandbox hides /tmp from agents.
    scripts = tempHome('director-chatty-');
    const script = join(twinOutsideTmp(scripts.dir, 'agents'), 'chatty.sh');
    copyFileSync(agentScript('chatty.sh'), script);
    loop = await startWholeLoop({
      issues: [],
      agents: {
        chatty: { kind: 'command', command: 'bash', args: [script], env: { OPENAI_API_KEY: 'sk-test-raw-0123456789abcdef0123' } },
        grumpy: { kind: 'command', command: 'bash', args: [script], env: { GRUMPY: '1' } },
      },
    });
    loop.startRunner();
    await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
    await loop.slack.person('U0ALICE').slash(loop.channel, '/director', 'init acme/demo --runner laptop');
  });

  afterEach(async () => {
    await loop.close();
    scripts.remove();
  });

  const cardOf = (text: string) => loop.slack.messages(loop.channel).find((m) => m.text?.includes(text));

  it('never shows its raw lines on the card or in the thread; the card says when the agent last spoke', async () => {
    const { slack, channel } = loop;
    await slack.person('U0ALICE').slash(channel, '/director', 'do tidy the changelog agent:chatty');
    await until(() => cardOf('tidy the changelog')?.text?.includes('PR ready for review'), 90_000, 'the task done');
    const card = cardOf('tidy the changelog');
    if (!card) throw new Error('no card');
    await until(() => slack.thread(channel, card.ts).some((m) => m.text?.includes('Ready for review')), 30_000, 'the thread’s last post');
    const everything = JSON.stringify(slack.apiCalls.map((c) => c.params));
    expect(everything).not.toContain('AGENT-RAW-LINE');
    expect(everything).not.toContain('sk-test-raw');
    expect(JSON.stringify(card.blocks)).toContain('last activity <!date^');
  });

  it('fails in one sentence with the last lines of its stderr', async () => {
    const { slack, channel } = loop;
    await slack.person('U0ALICE').slash(channel, '/director', 'do tidy the config agent:grumpy');
    await until(() => cardOf('tidy the config')?.text?.includes('failed'), 90_000, 'the task failed');
    const card = cardOf('tidy the config');
    if (!card) throw new Error('no card');
    const failure = await until(() => slack.thread(channel, card.ts).find((m) => m.text?.includes('Failed:')), 30_000, 'the failure in the thread');
    expect(failure.text).toMatch(/^<@U0ALICE> Failed: the agent exited with code 3\n```/);
    expect(failure.text).toContain('stderr line 10');
    expect(failure.text).toContain('stderr line 6');
    expect(failure.text).not.toContain('stderr line 5');
    expect(JSON.stringify(card.blocks)).not.toContain('stderr line');
    expect(JSON.stringify(slack.apiCalls.map((c) => c.params))).not.toContain('AGENT-RAW-LINE');
  });
});
