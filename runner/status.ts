import type { Db } from '../shared/db/open.ts';
import { LinkStore } from '../shared/link/store.ts';
import type { RunnerCredentials } from './credentials.ts';
import { linkPeer } from './link/peer.ts';
import { RunnerStateStore } from './store/state.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `director runner status`: who this runner is, whether `runner start` is connected, what waits. */
export function describeStatus({ credentials, file, db, now }: { credentials: RunnerCredentials; file: string; db: Db; now: number }): string {
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
    `Queued:    ${waiting} frame(s) waiting for the bot's ack`,
    `Running:   no tasks`,
  ].join('\n');
}
