// The bot's HTTP port under strangers' requests: `director bot` (HTTP mode, its own process)
// against the Slack emulator; peak RSS growth under floods of unsigned 4 MB bodies, and how fast
// stray requests and a signed one are answered meanwhile.
import { startSlackEmulator } from '../emulators/slack/index.ts';
import { signingSecret } from '../emulators/support/bot-harness.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { spawnHttpBot } from '../test/support/cli.ts';
import { httpRequest, slackSignature, slashBody } from '../test/support/http-client.ts';
import { memoryOf } from '../test/support/proc-memory.ts';
import type { BenchRow } from './table.ts';

const BODY = Buffer.alloc(4 * 1024 * 1024, 'a');
const STRAY = 1000;

/** Sends `count` unsigned 4 MB bodies at once (half chunked); the bot's peak RSS growth and the answers. */
async function flood(url: string, pid: number, count: number): Promise<{ growthMb: number; ms: number; statuses: string }> {
  const before = memoryOf(pid);
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY, chunked: i % 2 === 1, timeoutMs: 60_000 }).then(
        (r) => String(r.status),
        () => 'reset',
      ),
    ),
  );
  const ms = performance.now() - started;
  const counts = new Map<string, number>();
  for (const status of answers) counts.set(status, (counts.get(status) ?? 0) + 1);
  const statuses = [...counts].map(([status, n]) => `${n}×${status}`).join(' ');
  return { growthMb: memoryOf(pid).peak - before.rss, ms, statuses };
}

export async function benchHttpFlood(): Promise<BenchRow[]> {
  const emu = await startSlackEmulator();
  const home = tempHome('director-bench-http-');
  const { bot, url, pid } = await spawnHttpBot(emu, home.dir, signingSecret);
  try {
    await httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

    const rows: BenchRow[] = [];
    for (const count of [40, 120]) {
      const { growthMb, ms, statuses } = await flood(url, pid, count);
      rows.push({
        benchmark: 'http flood',
        measure: `${count} × 4 MB unsigned: bot peak RSS growth (${statuses}, ${ms.toFixed(0)} ms)`,
        value: `${growthMb.toFixed(1)} MB`,
        goal: '< 100 MB',
        verdict: growthMb < 100 ? 'ok' : 'MISSED',
      });
    }

    const strayStarted = performance.now();
    for (let i = 0; i < STRAY; i++) await httpRequest(url);
    const strayMs = (performance.now() - strayStarted) / STRAY;
    rows.push({ benchmark: 'http flood', measure: `GET /slack/events (405), mean of ${STRAY}`, value: `${strayMs.toFixed(2)} ms`, goal: '', verdict: '' });

    const body = slashBody('help');
    const signedStarted = performance.now();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(signingSecret, timestamp, body),
    };
    const signed = await httpRequest(url, { method: 'POST', headers, body });
    rows.push({
      benchmark: 'http flood',
      measure: 'signed /director help afterwards',
      value: `${signed.status} in ${(performance.now() - signedStarted).toFixed(0)} ms`,
      goal: '200',
      verdict: signed.status === 200 && bot.child.exitCode === null ? 'ok' : 'MISSED',
    });
    return rows;
  } finally {
    await bot.stop();
    await emu.close();
    home.remove();
  }
}
