// Watch cost of the PR feedback loop: 100 open PRs watched for an hour of virtual time (a poll a
// minute) against the GitHub emulator (in its own process). Measures the requests GitHub counts
// against the rate limit (304s are not) and the runner's CPU per PR poll, when nothing changes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import { z } from 'zod';
import { FeedbackStore } from '../runner/feedback/store.ts';
import { PrFeedbackSource } from '../runner/feedback/source.ts';
import { Trust } from '../runner/feedback/trust.ts';
import { FeedbackWatcher } from '../runner/feedback/watcher.ts';
import { runnerDatabase } from '../runner/main.ts';
import { TaskStore } from '../runner/tasks/store.ts';
import { createRedactor } from '../shared/redact.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { quietLog } from '../test/support/link-harness.ts';
import { VirtualClock } from '../test/support/virtual-clock.ts';
import type { BenchRow } from './table.ts';

const PRS = 100;
const POLLS = 60;
const INTERVAL_MS = 60_000;

async function startEmulator(): Promise<{ apiUrl: string; token: string; stop: () => void }> {
  const tsx = fileURLToPath(new URL('../bin/tsx.js', import.meta.url));
  const script = fileURLToPath(new URL('./pr-watch-emulator.ts', import.meta.url));
  const child = spawn(process.execPath, [tsx, script, String(PRS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  const { apiUrl, token } = z.object({ apiUrl: z.string(), token: z.string() }).parse(JSON.parse(first));
  return { apiUrl, token, stop: () => child.stdin.end() };
}

export async function benchPrWatch(): Promise<BenchRow[]> {
  const emu = await startEmulator();
  const home = tempHome('director-bench-prwatch-runner-');
  try {
    const clock = new VirtualClock();
    const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const octokit = new Octokit({ auth: emu.token, baseUrl: emu.apiUrl, log: silent });
    let requests = 0;
    let notModified = 0;
    octokit.hook.after('request', () => void requests++);
    octokit.hook.error('request', (error) => {
      requests++;
      if (z.object({ status: z.literal(304) }).safeParse(error).success) notModified++;
      throw error;
    });
    const db = runnerDatabase(join(home.dir, 'runner'));
    const tasks = new TaskStore(db);
    for (let n = 1; n <= PRS; n++) {
      const id = `bench${n}`;
      tasks.create({ id, project: 'demo', agent: 'codex', title: `Change ${n}`, input: { kind: 'request', text: 'x', requestedBy: 'U1' } }, clock.now());
      // PR numbers follow the emulator's: one issue-number space, PRs 1..n.
      tasks.setPull(id, n, `${emu.apiUrl}/acme/demo/pull/${n}`, clock.now());
      tasks.setState(id, 'awaiting_review', clock.now());
    }
    const store = new FeedbackStore(db);
    const watcher = new FeedbackWatcher({
      tasks,
      store,
      source: new PrFeedbackSource(octokit, store, createRedactor([emu.token])),
      trust: new Trust(octokit, clock, []),
      engine: { feedback: () => undefined, note: () => undefined },
      reply: () => Promise.resolve(),
      repoOf: () => 'acme/demo',
      clock,
      log: quietLog,
    });
    const used = async () => (await octokit.rest.rateLimit.get()).data.resources.core.used;
    const before = await used();
    await watcher.pollOnce();
    clock.advance(INTERVAL_MS);
    const afterFirst = await used();
    const requestsFirst = requests;
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let poll = 1; poll < POLLS; poll++) {
      await watcher.pollOnce();
      clock.advance(INTERVAL_MS);
    }
    const cpuUs = process.cpuUsage(cpu);
    const wallMs = performance.now() - started;
    const steadyCounted = (await used()) - afterFirst;
    const steadyPolls = (POLLS - 1) * PRS;
    const share = (100 * steadyCounted) / steadyPolls;
    db.close();
    return [
      {
        benchmark: 'pr watch',
        measure: `${PRS} PRs × ${POLLS} polls (1 h virtual): first poll, counted requests`,
        value: String(afterFirst - before),
        goal: '',
        verdict: '',
      },
      {
        benchmark: 'pr watch',
        measure: 'later polls, nothing changed: counted requests / PR polls',
        value: `${steadyCounted} / ${steadyPolls} (${share.toFixed(2)} %)`,
        goal: '≤ 5 %',
        verdict: share <= 5 ? 'ok' : 'MISSED',
      },
      { benchmark: 'pr watch', measure: 'later polls: HTTP requests / 304s', value: `${requests - requestsFirst} / ${notModified}`, goal: '', verdict: '' },
      {
        benchmark: 'pr watch',
        measure: 'runner CPU per PR poll (user+system)',
        value: `${((cpuUs.user + cpuUs.system) / 1000 / steadyPolls).toFixed(2)} ms`,
        goal: '',
        verdict: '',
      },
      { benchmark: 'pr watch', measure: 'wall time per pass over 100 PRs', value: `${(wallMs / (POLLS - 1)).toFixed(0)} ms`, goal: '', verdict: '' },
    ];
  } finally {
    emu.stop();
    home.remove();
  }
}
