import type { Db } from '../shared/db/open.ts';
import { LinkStore } from '../shared/link/store.ts';
import type { RunnerCredentials } from './credentials.ts';
import { linkPeer } from './link/peer.ts';
import { RunnerStateStore } from './store/state.ts';
import { TaskStore, type TaskRecord } from './tasks/store.ts';
import { shorten } from '../shared/text.ts';
import { sandboxLine } from './sandbox/choose.ts';
import type { Sandbox } from './sandbox/sandbox.ts';

/** Where `director runner start` stands, as `runner status` sees it. */
export type LinkVerdict = 'connected' | 'connecting' | 'waiting' | 'not_running' | 'refused';

/** `director runner status --json`. */
export interface StatusReport {
  paired: true;
  runner: string;
  bot: string;
  tokenFile: string;
  link: { state: LinkVerdict; since?: number; pid?: number; reason?: string };
  sandbox: Sandbox['mode'];
  /** Frames waiting for the bot's acknowledgement. */
  queuedFrames: number;
  running: { id: string; state: string; title: string }[];
  /** Settled tasks whose worktree is kept until closed. */
  setAside: { id: string; state: string; title: string; worktree: string }[];
  /** What to do, when something needs doing. */
  advice?: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const PAIR_AGAIN = 'type /director connect in Slack, then run director runner pair <code> --url <bot url>';

export interface StatusInput {
  credentials: RunnerCredentials;
  file: string;
  db: Db;
  now: number;
  sandbox: Sandbox['mode'];
}

export function statusReport({ credentials, file, db, sandbox }: StatusInput): StatusReport {
  const link = new RunnerStateStore(db).linkStatus();
  const store = new TaskStore(db);
  const brief = (t: TaskRecord) => ({ id: t.id, state: t.state, title: t.title });
  let state: StatusReport['link'];
  let advice: string | undefined;
  if (link?.status === 'stopped' && link.fatal === true) {
    state = { state: 'refused', since: link.since, ...(link.reason !== undefined && { reason: link.reason }) };
    advice = `the bot refused this runner; to use it again, ${PAIR_AGAIN}`;
  } else if (!link || link.status === 'stopped' || !alive(link.pid)) {
    state = { state: 'not_running', ...(link?.reason !== undefined && link.status === 'stopped' && { reason: link.reason }) };
    advice = 'start it with: director runner start';
  } else {
    state = { state: link.status, since: link.since, pid: link.pid, ...(link.reason !== undefined && { reason: link.reason }) };
  }
  return {
    paired: true,
    runner: credentials.name,
    bot: credentials.botUrl,
    tokenFile: file,
    link: state,
    sandbox,
    queuedFrames: new LinkStore(db, linkPeer(credentials.token)).unacknowledged(),
    running: store.inStates(['queued', 'preparing', 'running', 'verifying', 'publishing']).map(brief),
    setAside: store.inStates(['failed', 'interrupted', 'cancelled']).flatMap((t) => (t.worktree ? [{ ...brief(t), worktree: t.worktree }] : [])),
    ...(advice !== undefined && { advice }),
  };
}

/** `runner status --json` when there is no token file: exit 1 with what to do. */
export function unpairedReport(file: string): { paired: false; tokenFile: string; advice: string } {
  return { paired: false, tokenFile: file, advice: PAIR_AGAIN };
}

function linkLine(link: StatusReport['link'], now: number): string {
  const since = (t: number | undefined) => (t === undefined ? '' : ` for ${Math.round((now - t) / 1000)}s`);
  const pid = link.pid === undefined ? '' : ` (pid ${link.pid})`;
  if (link.state === 'refused') return `refused by the bot: ${link.reason ?? 'no reason given'}`;
  if (link.state === 'not_running') return `not running${link.reason ? ` (last stop: ${link.reason})` : ''}`;
  if (link.state === 'connected') return `connected${since(link.since)}${pid}`;
  return `${link.state}${since(link.since)}${link.reason ? ` (${link.reason})` : ''}${pid}`;
}

/** `director runner status`: who this runner is, whether `runner start` is connected, what waits. */
export function describeStatus(input: StatusInput): string {
  const r = statusReport(input);
  const line = (t: { id: string; state: string; title: string; worktree?: string }) =>
    `  ${t.id}  ${t.state.padEnd(11)} ${shorten(t.title, 60)}${t.worktree ? `  (${t.worktree})` : ''}`;
  return [
    `Runner:    ${r.runner}`,
    `Bot:       ${r.bot}`,
    `Token:     ${r.tokenFile}`,
    `Link:      ${linkLine(r.link, input.now)}`,
    `Sandbox:   ${sandboxLine(r.sandbox)}`,
    `Queued:    ${r.queuedFrames} frame(s) waiting for the bot's ack`,
    r.running.length === 0 ? 'Running:   no tasks' : `Running:   ${r.running.length} task(s)`,
    ...r.running.map(line),
    ...(r.setAside.length > 0
      ? [`Set aside: ${r.setAside.length} worktree(s) kept until the task is closed (director runner close <task>)`, ...r.setAside.map(line)]
      : []),
    ...(r.advice ? [`\nNext: ${r.advice}`] : []),
  ].join('\n');
}
