// The whole loop with a stand-in agent, for release tests: tasks reach review quickly, then people click.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../../emulators/support/until.ts';
import { twinOutsideTmp, tempHome } from '../../emulators/support/temp-home.ts';
import { startWholeLoop, type WholeLoop } from '../../emulators/world.ts';
import { agentScript } from '../support/engine-harness.ts';

/** A whole loop whose runner has the `release` stand-in agent and reads pending checks every 100 ms. */
export async function startMergeWorld(issues: string[]): Promise<WholeLoop> {
  const tmp = tempHome('director-merge-');
  // Outside /tmp: the sandbox hides it.
  const script = join(twinOutsideTmp(tmp.dir, 'agents'), 'release.sh');
  copyFileSync(agentScript('release.sh'), script);
  const loop = await startWholeLoop({
    issues,
    tmp: tmp.dir,
    agents: { release: { kind: 'command', command: 'bash', args: [script] } },
    mergePollMs: 100,
  });
  const closeLoop = loop.close.bind(loop);
  loop.close = async () => {
    await closeLoop();
    tmp.remove();
  };
  return loop;
}

/** The channel's messages whose text includes `text` (task cards carry the title). */
export function cardOf(loop: WholeLoop, text: string) {
  return loop.slack.messages(loop.channel).find((m) => m.text?.includes(text));
}

/** Blocks of a message, as one string to search. */
export const blocksOf = (message: { blocks?: unknown } | undefined): string => JSON.stringify(message?.blocks ?? []);

/** Binds the channel (alice binds; extra init flags allowed), starts `fix #n …`, and waits for each card's Approve button. */
export async function tasksInReview(loop: WholeLoop, numbers: number[], flags = ''): Promise<void> {
  const { slack, channel } = loop;
  loop.startRunner();
  await until(() => loop.runner?.endpoint.connected, 20_000, 'runner connected');
  await slack.person('U0ALICE').slash(channel, '/director', `init acme/demo --runner laptop --agent release ${flags}`.trim());
  await slack.person('U0ALICE').slash(channel, '/director', `fix ${numbers.map((n) => `#${n}`).join(' ')}`);
  for (const n of numbers) await until(() => blocksOf(cardOf(loop, `#${n} `)).includes('merge_approve'), 90_000, `the review section of #${n}`);
}
