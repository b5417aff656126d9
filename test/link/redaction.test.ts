import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRunner, type RunningRunner } from '../../runner/main.ts';
import { REDACTED } from '../../shared/redact.ts';
import { credentials, runnerConfig, startHub, type HubUnderTest } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';

describe('what leaves the runner', () => {
  let home: ReturnType<typeof tempHome>;
  let hub: HubUnderTest;
  let runner: RunningRunner | undefined;
  const texts: string[] = [];

  beforeEach(async () => {
    home = tempHome();
    hub = await startHub({
      file: `${home.dir}/bot.sqlite`,
      handle: (_runner, frame) => {
        if (frame.type === 'note') texts.push(frame.text);
      },
    });
  });

  afterEach(async () => {
    await runner?.stop();
    await hub.stop();
    home.remove();
  });

  it('is redacted: the runner’s secret-named env values and known token shapes, even if an agent printed them', async () => {
    const { token } = hub.pair('laptop');
    const env = { DEPLOY_TOKEN: 'deploy-secret-value-9876', DB_PASSWORD: 'pa55word-for-db', PATH: '/usr/bin' };
    runner = startRunner({ config: runnerConfig(`${home.dir}/runner`), credentials: credentials(hub.url, 'laptop', token), env });
    const leaked = `agent printed: DEPLOY_TOKEN=deploy-secret-value-9876 DB_PASSWORD=pa55word-for-db gh=ghp_0123456789abcdefghijABCDEFGHIJ012345 runner=${token}`;
    runner.endpoint.send({ type: 'note', text: leaked, n: 1 });
    const [received] = await until(() => (texts.length > 0 ? texts : undefined), 10_000, 'the note');
    expect(received).toBe(`agent printed: DEPLOY_TOKEN=${REDACTED} DB_PASSWORD=${REDACTED} gh=${REDACTED} runner=${REDACTED}`);
  });
});
