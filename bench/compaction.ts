// Task context compaction: what folding 100,000 events into a bounded summary costs beyond storing
// them, the summary's size, and peak RSS by log length (each length in a fresh process).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { foldEvent } from '../runner/context/fold.ts';
import { ContextKeeper, headerOf } from '../runner/context/keeper.ts';
import { renderSummary, SUMMARY_BUDGET } from '../runner/context/render.ts';
import { emptyContext } from '../runner/context/state.ts';
import { runnerDatabase } from '../runner/main.ts';
import { TaskStore } from '../runner/tasks/store.ts';
import { tempHome } from '../emulators/support/temp-home.ts';
import { batches, MUST_KEEP, SYNTHETIC_TASK, syntheticLog } from '../test/context/synthetic-log.ts';
import type { BenchRow } from './table.ts';

const EVENTS = 100_000;
const BATCH = 500;
const ROUNDS = 3;
const RSS_LENGTHS = [0, 25_000, 50_000, 100_000, 200_000];
const root = fileURLToPath(new URL('..', import.meta.url));

/** A fresh database with one running task on its branch, as the engine leaves it. */
function openTask(dir: string) {
  const db = runnerDatabase(dir);
  const store = new TaskStore(db);
  const now = Date.now();
  store.create(
    {
      id: 't1',
      project: 'bench',
      agent: 'codex',
      title: SYNTHETIC_TASK.title,
      input: { kind: 'request', text: SYNTHETIC_TASK.goal, requestedBy: SYNTHETIC_TASK.requestedBy },
    },
    now,
  );
  store.startRun('t1', 'run-1', now);
  store.setWorktree('t1', SYNTHETIC_TASK.branch, SYNTHETIC_TASK.worktree, now);
  store.setPull('t1', SYNTHETIC_TASK.pr.number, SYNTHETIC_TASK.pr.url, now);
  return { db, store, keeper: new ContextKeeper(db, store) };
}

/**
 * Milliseconds spent in `write` over the whole log, in batches as the recorder writes them. Only the
 * writes are timed: generating the synthetic log is not.
 */
function timedWrites(events: number, write: (batch: Parameters<ContextKeeper['append']>[1]) => void): number {
  let ms = 0;
  for (const batch of batches(syntheticLog({ events }), BATCH)) {
    const started = performance.now();
    write(batch);
    ms += performance.now() - started;
  }
  return ms;
}

function ingestOnly(dir: string, events: number): number {
  const { db, store } = openTask(dir);
  try {
    return timedWrites(events, (batch) => store.appendEvents('t1', batch));
  } finally {
    db.close();
  }
}

function ingestAndCompact(dir: string, events: number): { ms: number; summary: string } {
  const { db, keeper } = openTask(dir);
  try {
    const ms = timedWrites(events, (batch) => keeper.append('t1', batch));
    return { ms, summary: keeper.storedSummary('t1') ?? '' };
  } finally {
    db.close();
  }
}

/** The compaction's own CPU work with no SQLite: fold every event, render and serialise once per batch. */
function compactionCpu(dir: string, events: number): number {
  const { db, store } = openTask(dir);
  const header = headerOf(store.require('t1'));
  db.close();
  const state = emptyContext();
  let ms = 0;
  for (const batch of batches(syntheticLog({ events }), BATCH)) {
    const started = performance.now();
    for (const { event } of batch) foldEvent(state, event);
    JSON.stringify(state);
    renderSummary(state, header);
    ms += performance.now() - started;
  }
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const childReport = z.object({ events: z.number(), maxRssKiB: z.number(), heapUsedKiB: z.number(), summaryBytes: z.number() });

async function peakRss(dir: string, events: number): Promise<z.infer<typeof childReport>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin/tsx.js'), join(root, 'bench/compaction-rss.ts'), String(events), dir], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  return childReport.parse(JSON.parse(stdout.trim().split('\n').at(-1) ?? ''));
}

export async function benchCompaction(): Promise<BenchRow[]> {
  const home = tempHome('director-bench-compaction-');
  try {
    let run = 0;
    const fresh = () => join(home.dir, `db-${run++}`);
    // Warm both paths up (JIT, SQLite page cache) before measuring.
    ingestOnly(fresh(), 20_000);
    ingestAndCompact(fresh(), 20_000);
    compactionCpu(fresh(), 20_000);
    const ingest: number[] = [];
    const compacted: number[] = [];
    const cpu: number[] = [];
    let summary = '';
    for (let round = 0; round < ROUNDS; round++) {
      ingest.push(ingestOnly(fresh(), EVENTS));
      const result = ingestAndCompact(fresh(), EVENTS);
      compacted.push(result.ms);
      summary = result.summary;
      cpu.push(compactionCpu(fresh(), EVENTS));
    }
    const ingestMs = median(ingest);
    const compactedMs = median(compacted);
    const beyond = compactedMs - ingestMs;
    const cpuMs = median(cpu);
    const summaryBytes = Buffer.byteLength(summary, 'utf8');
    const kept = MUST_KEEP.filter((fact) => summary.includes(fact)).length;

    const rss: z.infer<typeof childReport>[] = [];
    for (const events of RSS_LENGTHS) rss.push(await peakRss(home.dir, events));
    const mib = (kib: number) => kib / 1024;
    const at = (events: number) => rss.find((r) => r.events === events)?.maxRssKiB ?? Number.NaN;
    const growth = mib(at(200_000) - at(25_000));

    return [
      {
        benchmark: 'compaction',
        measure: `ingest only: ${EVENTS} events into task_events (batches of ${BATCH}, median of ${ROUNDS})`,
        value: `${ingestMs.toFixed(0)} ms`,
        goal: '',
        verdict: '',
      },
      {
        benchmark: 'compaction',
        measure: 'ingest + incremental compaction (ContextKeeper.append)',
        value: `${compactedMs.toFixed(0)} ms`,
        goal: '',
        verdict: '',
      },
      {
        benchmark: 'compaction',
        measure: 'compaction beyond ingest (difference)',
        value: `${beyond.toFixed(0)} ms`,
        goal: '≤ 200 ms',
        verdict: beyond <= 200 ? 'ok' : 'MISSED',
      },
      {
        benchmark: 'compaction',
        measure: `compaction CPU alone: fold + serialise + render per batch`,
        value: `${cpuMs.toFixed(0)} ms`,
        goal: 'reported',
        verdict: '',
      },
      {
        benchmark: 'compaction',
        measure: `summary after ${EVENTS} events`,
        value: `${summaryBytes} bytes`,
        goal: `≤ ${SUMMARY_BUDGET}`,
        verdict: summaryBytes <= SUMMARY_BUDGET ? 'ok' : 'MISSED',
      },
      {
        benchmark: 'compaction',
        measure: 'must-keep facts in the summary',
        value: `${kept}/${MUST_KEEP.length}`,
        goal: `${MUST_KEEP.length}/${MUST_KEEP.length}`,
        verdict: kept === MUST_KEEP.length ? 'ok' : 'MISSED',
      },
      ...rss.map((r): BenchRow => ({
        benchmark: 'compaction',
        measure: r.events === 0 ? 'peak RSS, fresh process, no events (baseline)' : `peak RSS, fresh process, ${r.events} events`,
        value: `${mib(r.maxRssKiB).toFixed(0)} MiB (heap in use at the end ${mib(r.heapUsedKiB).toFixed(0)} MiB)`,
        goal: 'reported',
        verdict: '',
      })),
      {
        benchmark: 'compaction',
        measure: 'peak RSS growth from 25,000 to 200,000 events',
        value: `${growth.toFixed(1)} MiB`,
        goal: '≤ 16 MiB (flat)',
        verdict: growth <= 16 ? 'ok' : 'MISSED',
      },
    ];
  } finally {
    home.remove();
  }
}
