// Child of bench/compaction.ts: folds a synthetic log of N events into a task, then prints its peak RSS.
// node bin/tsx.js bench/compaction-rss.ts <events> <dir>   (0 events: the baseline of the same process)
import { join } from 'node:path';
import { ContextKeeper } from '../runner/context/keeper.ts';
import { runnerDatabase } from '../runner/main.ts';
import { TaskStore } from '../runner/tasks/store.ts';
import { batches, SYNTHETIC_TASK, syntheticLog } from '../test/context/synthetic-log.ts';

const events = Number(process.argv[2] ?? '0');
const dir = process.argv[3];
if (!Number.isInteger(events) || events < 0 || !dir) {
  console.error('usage: node bin/tsx.js bench/compaction-rss.ts <events> <dir>');
  process.exit(2);
}

const db = runnerDatabase(join(dir, `rss-${events}`));
const store = new TaskStore(db);
const keeper = new ContextKeeper(db, store);
store.create(
  {
    id: 't1',
    project: 'bench',
    agent: 'codex',
    title: SYNTHETIC_TASK.title,
    input: { kind: 'request', text: SYNTHETIC_TASK.goal, requestedBy: SYNTHETIC_TASK.requestedBy },
  },
  Date.now(),
);
store.setWorktree('t1', SYNTHETIC_TASK.branch, SYNTHETIC_TASK.worktree, Date.now());
if (events > 0) for (const batch of batches(syntheticLog({ events }))) keeper.append('t1', batch);
const summaryBytes = Buffer.byteLength(keeper.storedSummary('t1') ?? '', 'utf8');
db.close();
console.log(
  JSON.stringify({ events, maxRssKiB: process.resourceUsage().maxRSS, heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024), summaryBytes }),
);
