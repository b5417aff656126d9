// How fast the outbox delivers a burst of task messages under Slack's real chat.postMessage limit.
import { WebClient } from '@slack/web-api';
import { SlackOutbox } from '../bot/slack/outbox.ts';
import { webApiPort } from '../bot/slack/web-api-port.ts';
import { botMigrations } from '../bot/store/migrations.ts';
import { SlackMessageStore } from '../bot/store/slack-messages.ts';
import { systemClock } from '../shared/clock.ts';
import { openDatabase } from '../shared/db/open.ts';
import { createLogger } from '../shared/log.ts';
import { createRedactor } from '../shared/redact.ts';
import { startSlackEmulator, type SlackEmulator } from '../emulators/slack/index.ts';
import type { BenchRow } from './table.ts';

const MESSAGES = 50;
/** Slack's documented limit (about 1 per second per channel) with the emulator's burst allowance. */
const SLACK_LIMIT = { perSecond: 1, burst: 4 };

function taskMessage(i: number) {
  const title = `Fix #${100 + i}: crash when the config file is missing a trailing newline`;
  return {
    text: `${title} — running`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `#${100 + i} ${title}`.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `*State:* running · *Agent:* codex · *Elapsed:* 3m 12s\n${'Latest: ran the test suite, 2 failing tests left. '.repeat(8)}`,
        },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `branch \`director/t${i}-fix-config\`` }] },
      { type: 'actions', elements: [{ type: 'button', action_id: 'task_stop', value: `t${i}`, text: { type: 'plain_text', text: 'Stop' }, style: 'danger' }] },
    ],
  };
}

async function deliver(emu: SlackEmulator, channels: string[]): Promise<{ seconds: number; rateLimited: number }> {
  const db = openDatabase({ file: ':memory:', migrations: botMigrations });
  const client = new WebClient(emu.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  const outbox = new SlackOutbox({
    api: webApiPort(client),
    store: new SlackMessageStore(db),
    clock: systemClock,
    log: createLogger({ level: 'silent', redact: createRedactor() }),
  });
  const before = emu.apiCalls.length;
  const started = performance.now();
  await Promise.all(channels.flatMap((channel) => Array.from({ length: MESSAGES }, (_, i) => outbox.show(`${channel}:${i}`, { channel }, taskMessage(i)))));
  const seconds = (performance.now() - started) / 1000;
  for (const channel of channels) {
    const shown = emu.messages(channel).map((m) => m.text);
    if (shown.length !== MESSAGES || shown.some((text, i) => text !== taskMessage(i).text))
      throw new Error(`channel ${channel}: messages missing or out of order`);
  }
  await outbox.idle();
  db.close();
  const rateLimited = emu.apiCalls.slice(before).filter((c) => c.status === 429).length;
  return { seconds, rateLimited };
}

export async function benchSlackOutbox(): Promise<BenchRow[]> {
  const emu = await startSlackEmulator({ postMessageLimit: SLACK_LIMIT });
  try {
    const bound = (MESSAGES - SLACK_LIMIT.burst) / SLACK_LIMIT.perSecond;
    const one = await deliver(emu, [emu.addChannel({ name: 'one' }).id]);
    const three = await deliver(
      emu,
      ['a', 'b', 'c'].map((name) => emu.addChannel({ name }).id),
    );
    const ratio = (r: { seconds: number }) => r.seconds / bound;
    return [
      {
        benchmark: 'slack outbox',
        measure: `${MESSAGES} task cards, 1 channel`,
        value: `${one.seconds.toFixed(1)} s`,
        goal: `bound ${bound.toFixed(0)} s`,
        verdict: '',
      },
      {
        benchmark: 'slack outbox',
        measure: 'time / rate-limit bound',
        value: `${ratio(one).toFixed(2)}×`,
        goal: '≤ 1.20×',
        verdict: ratio(one) <= 1.2 ? 'ok' : 'MISSED',
      },
      { benchmark: 'slack outbox', measure: '429s met, 1 channel', value: String(one.rateLimited), goal: 'reported', verdict: '' },
      {
        benchmark: 'slack outbox',
        measure: `3 channels × ${MESSAGES} at once`,
        value: `${three.seconds.toFixed(1)} s (${ratio(three).toFixed(2)}×)`,
        goal: '≤ 1.20× (no cross-channel stall)',
        verdict: ratio(three) <= 1.2 ? 'ok' : 'MISSED',
      },
      { benchmark: 'slack outbox', measure: '429s met, 3 channels', value: String(three.rateLimited), goal: 'reported', verdict: '' },
    ];
  } finally {
    await emu.close();
  }
}
