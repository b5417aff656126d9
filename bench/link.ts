// Runner link on loopback with durable SQLite outboxes: round trips, sustained throughput, idle RSS.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { saveCredentials } from '../runner/credentials.ts';
import { startRunner } from '../runner/main.ts';
import { credentials, runnerConfig, startHub } from '../test/support/link-harness.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { until } from '../emulators/support/until.ts';
import type { BenchRow } from './table.ts';

const ROUND_TRIPS = 2000;
const THROUGHPUT_FRAMES = 50_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function roundTrips(dir: string): Promise<{ p50: number; p99: number }> {
  const hub = await startHub({
    file: `${dir}/rtt-bot.sqlite`,
    handle: (runner, frame, h) => {
      if (frame.type === 'note') h.send(runner.id, { type: 'note', text: 'pong', n: frame.n });
    },
  });
  const { token } = hub.pair('bench');
  const replies = new Map<number, () => void>();
  const runner = startRunner({
    config: runnerConfig(`${dir}/rtt-runner`),
    credentials: credentials(hub.url, 'bench', token),
    handle: (frame) => {
      if (frame.type === 'note' && frame.n !== undefined) replies.get(frame.n)?.();
    },
  });
  await until(() => runner.endpoint.connected, 10_000, 'connected');
  const times: number[] = [];
  for (let n = 0; n < ROUND_TRIPS; n++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      replies.set(n, resolve);
      runner.endpoint.send({ type: 'note', text: 'ping', n });
    });
    replies.delete(n);
    times.push(performance.now() - started);
  }
  await runner.stop();
  await hub.stop();
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function throughput(dir: string): Promise<number> {
  const hub = await startHub({ file: `${dir}/tp-bot.sqlite` });
  const { token } = hub.pair('bench');
  const runner = startRunner({ config: runnerConfig(`${dir}/tp-runner`), credentials: credentials(hub.url, 'bench', token) });
  await until(() => runner.endpoint.connected, 10_000, 'connected');
  const started = performance.now();
  let sent = 0;
  // Produce in slices so the event loop keeps flushing and acking while we enqueue.
  while (sent < THROUGHPUT_FRAMES) {
    for (let i = 0; i < 500; i++, sent++) runner.endpoint.send({ type: 'note', text: `frame ${sent}`, n: sent });
    await new Promise((resolve) => setImmediate(resolve));
  }
  await until(() => runner.db.prepare("SELECT COUNT(*) AS n FROM link_outbox WHERE peer = 'bot'").pluck().get() === 0, 120_000, 'all frames acked');
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await hub.stop();
  return THROUGHPUT_FRAMES / seconds;
}

async function idleRss(dir: string): Promise<number> {
  const hub = await startHub({ file: `${dir}/rss-bot.sqlite` });
  const { token } = hub.pair('idle');
  const home = `${dir}/rss-runner`;
  saveCredentials(home, credentials(hub.url, 'idle', token));
  const bin = fileURLToPath(new URL('../bin/director.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'runner', 'start'], { env: { ...process.env, DIRECTOR_HOME: home, LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  try {
    await until(() => hub.hub.isOnline(hub.runners.named('idle')[0]?.id ?? ''), 20_000, 'runner process connected');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
  } finally {
    child.kill('SIGTERM');
    await hub.stop();
  }
}

export async function benchLink(): Promise<BenchRow[]> {
  const home = tempHome('director-bench-');
  try {
    const rtt = await roundTrips(home.dir);
    const rate = await throughput(home.dir);
    const rss = await idleRss(home.dir);
    return [
      {
        benchmark: 'runner link',
        measure: `round trip p50 (${ROUND_TRIPS} pings)`,
        value: `${rtt.p50.toFixed(2)} ms`,
        goal: '≤ 2 ms',
        verdict: rtt.p50 <= 2 ? 'ok' : 'MISSED',
      },
      { benchmark: 'runner link', measure: 'round trip p99', value: `${rtt.p99.toFixed(2)} ms`, goal: '≤ 10 ms', verdict: rtt.p99 <= 10 ? 'ok' : 'MISSED' },
      {
        benchmark: 'runner link',
        measure: `acked frames/s (${THROUGHPUT_FRAMES})`,
        value: rate.toFixed(0),
        goal: '≥ 5,000',
        verdict: rate >= 5000 ? 'ok' : 'MISSED',
      },
      { benchmark: 'runner link', measure: 'runner idle RSS', value: `${rss.toFixed(0)} MiB`, goal: 'reported', verdict: '' },
    ];
  } finally {
    home.remove();
  }
}
