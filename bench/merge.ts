// Approve & merge end to end through the emulators: click → merged on GitHub → card edited, over 20
// single merges; then Merge all ready on 10 green PRs against 10 × the single-merge median.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentScript } from '../test/support/engine-harness.ts';
import { tempHome, twinOutsideTmp } from '../emulators/support/temp-home.ts';
import { until } from '../emulators/support/until.ts';
import { startWholeLoop, type WholeLoop } from '../emulators/world.ts';
import type { BenchRow } from './table.ts';

const SINGLES = 20;
const BATCH = 10;

const blocks = (m: { blocks?: unknown } | undefined) => JSON.stringify(m?.blocks ?? []);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function singles(loop: WholeLoop): Promise<number[]> {
  const { slack, channel } = loop;
  const alice = slack.person('U0ALICE');
  await alice.slash(channel, '/director', `fix ${Array.from({ length: SINGLES }, (_, i) => `#${i + 1}`).join(' ')}`);
  const card = (n: number) => slack.messages(channel).find((m) => m.text?.startsWith(`#${n} `));
  // A task that fails (it should not) is left out rather than stopping the benchmark.
  const settled = (n: number) => blocks(card(n)).includes('merge_approve') || (card(n)?.text?.includes('failed') ?? false);
  for (let n = 1; n <= SINGLES; n++) await until(() => settled(n), 180_000, `#${n} in review`);
  // Card edits are throttled to one per 3 s per card: let the last ones land before timing.
  await new Promise((resolve) => setTimeout(resolve, 3500));
  const times: number[] = [];
  for (let n = 1; n <= SINGLES; n++) {
    if (!blocks(card(n)).includes('merge_approve')) continue;
    const ts = card(n)?.ts ?? '';
    const started = performance.now();
    await alice.click(channel, ts, 'merge_approve');
    await until(() => blocks(card(n)).includes('*Merged*'), 60_000, `#${n} merged on its card`);
    times.push(performance.now() - started);
  }
  return times;
}

async function mergeAll(loop: WholeLoop): Promise<{ ms: number; merged: number }> {
  const { slack, channel, github } = loop;
  const alice = slack.person('U0ALICE');
  await alice.slash(channel, '/director', `fix top ${BATCH} issues`);
  const batch = () => slack.messages(channel).find((m) => m.text?.startsWith(`Fix top ${BATCH} issues`));
  // Every task settled and the card offering what is ready (a task that failed is left out).
  await until(() => batch()?.text?.includes(`${BATCH}/${BATCH} done`) && /Merge all ready \((\d+)\)/.test(blocks(batch())), 180_000, 'the batch ready');
  await new Promise((resolve) => setTimeout(resolve, 3500));
  const ready = Number(/Merge all ready \((\d+)\)/.exec(blocks(batch()))?.[1] ?? 0);
  for (const card of slack.messages(channel).filter((m) => m.text?.includes('failed')))
    console.error(`a task failed: ${card.text ?? ''} — ${/_([^_]+)_/.exec(blocks(card))?.[1] ?? ''}`);
  const before = github.pulls('acme', 'demo').filter((p) => p.merged).length;
  const started = performance.now();
  await alice.click(channel, batch()?.ts ?? '', 'merge_all_ready');
  await until(() => github.pulls('acme', 'demo').filter((p) => p.merged).length === before + ready, 120_000, 'the batch merged');
  await until(() => blocks(batch()).includes(`Merged ${ready} of ${BATCH}`), 60_000, 'the batch card counting them');
  return { ms: performance.now() - started, merged: ready };
}

export async function benchMerge(): Promise<BenchRow[]> {
  const tmp = tempHome('director-bench-merge-');
  const script = join(twinOutsideTmp(tmp.dir, 'agents'), 'release.sh');
  copyFileSync(agentScript('release.sh'), script);
  const issues = Array.from({ length: SINGLES + BATCH }, (_, i) => `Merge benchmark issue ${i + 1}`);
  const loop = await startWholeLoop({ issues, tmp: tmp.dir, capacity: 10, agents: { release: { kind: 'command', command: 'bash', args: [script] } } });
  try {
    const runner = loop.startRunner();
    await until(() => runner.endpoint.connected, 30_000, 'runner connected');
    await loop.slack.person('U0ALICE').slash(loop.channel, '/director', 'init acme/demo --runner laptop --agent release');
    const times = (await singles(loop)).sort((a, b) => a - b);
    const median = percentile(times, 50);
    const p95 = percentile(times, 95);
    const all = await mergeAll(loop);
    const ratio = all.ms / (all.merged * median);
    return [
      {
        benchmark: 'merge',
        measure: `click → merged → card edited, median of ${SINGLES}`,
        value: `${(median / 1000).toFixed(2)} s`,
        goal: '≤ 1.5 s',
        verdict: median <= 1500 ? 'ok' : 'MISSED',
      },
      { benchmark: 'merge', measure: `click → merged → card edited, p95 of ${SINGLES}`, value: `${(p95 / 1000).toFixed(2)} s`, goal: 'reported', verdict: '' },
      {
        benchmark: 'merge',
        measure: `Merge all ready (${all.merged}) vs ${all.merged} × single median (${((all.merged * median) / 1000).toFixed(2)} s)`,
        value: `${(all.ms / 1000).toFixed(2)} s = ${ratio.toFixed(2)}×`,
        goal: '≤ 1.2×',
        verdict: ratio <= 1.2 ? 'ok' : 'MISSED',
      },
    ];
  } finally {
    await loop.close();
    tmp.remove();
  }
}
