import type { Db } from '../shared/db/open.ts';
import { LinkStore } from '../shared/link/store.ts';
import type { RunnerCredentials } from './credentials.ts';
import { linkPeer } from './link/peer.ts';
import { RunnerStateStore } from './store/state.ts';
import { TaskStore } from './tasks/store.ts';
import { shorten } from '../shared/text.ts';
import { sandboxLine } from './sandbox/choose.ts';
import type { Sandbox } from './sandbox/sandbox.ts';

/** Running tasks, and settled ones whose worktree is kept (failed, interrupted, stopped) until closed. */
function taskLines(store: TaskStore): string[] {
  const running = store.inStates(['queued', 'preparing', 'running', 'verifying', 'publishing']);
  const kept = store.inStates(['failed', 'interrupted', 'cancelled']).filter((t) => t.worktree);
  const line = (t: { id: string; state: string; title: string; worktree: string | null }) =>
    `  ${t.id}  ${t.state.padEnd(11)} ${shorten(t.title, 60)}${t.worktree ? `  (${t.worktree})` : ''}`;
  return [
    running.length === 0 ? 'Running:   no tasks' : `Running:   ${running.length} task(s)`,
    ...running.map(line),
    ...(kept.length > 0 ? [`Set aside: ${kept.length} worktree(s) kept until the task is closed`, ...kept.map(line)] : []),
  ];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `director runner status`: who this runner is, whether `runner start` is connected, what waits. */
export function describeStatus({
  credentials,
  file,
  db,
  now,
  sandbox,
}: {
  credentials: RunnerCredentials;
  file: string;
  db: Db;
  now: number;
  sandbox: Sandbox['mode'];
}): string {
  const link = new RunnerStateStore(db).linkStatus();
  const waiting = new LinkStore(db, linkPeer(credentials.token)).unacknowledged();
  const since = (t: number) => `${Math.round((now - t) / 1000)}s`;
  let connection: string;
  if (!link || !alive(link.pid)) connection = 'not running (start it with: director runner start)';
  else if (link.status === 'connected') connection = `connected for ${since(link.since)} (pid ${link.pid})`;
  else if (link.status === 'stopped') connection = `stopped: ${link.reason ?? 'unknown reason'}`;
  else connection = `${link.status} for ${since(link.since)}${link.reason ? ` (${link.reason})` : ''} (pid ${link.pid})`;
  return [
    `Runner:    ${credentials.name}`,
    `Bot:       ${credentials.botUrl}`,
    `Token:     ${file}`,
    `Link:      ${connection}`,
    `Sandbox:   ${sandboxLine(sandbox)}`,
    `Queued:    ${waiting} frame(s) waiting for the bot's ack`,
    ...taskLines(new TaskStore(db)),
  ].join('\n');
}
