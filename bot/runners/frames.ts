import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import {
  dispatchFrame,
  type FrameHandlers,
  type MergeResult,
  type PrState,
  type RunnerToBotReceived,
  type SentryIssueFound,
  type TaskUpdateReceived,
} from '../../shared/protocol.ts';
import type { ReportResult } from '../../shared/report-frames.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';

export interface RunnerFrameDeps {
  runners: RunnerStore;
  clock: Clock;
  log: Logger;
  /** An issue listing the Director asked for. */
  issuesFound: (requestId: string, answer: { issues: { number: number; title: string; url: string }[]; error?: string }) => void;
  /** A Sentry issue listing the Director asked for. */
  sentryFound: (requestId: string, answer: { issues: SentryIssueFound[]; covered: number; error?: string }) => void;
  /** A task summary the Director asked for. */
  summaryGiven: (requestId: string, answer: { summary: string; error?: string }) => void;
  taskUpdate: (frame: TaskUpdateReceived, seq: number, runner: RunnerRecord) => void;
  followUpPicked: (followUpId: string, runner: RunnerRecord) => void;
  /** A task PR's state, for its card. */
  prState: (frame: PrState, runner: RunnerRecord) => void;
  /** What became of a merge asked from Slack. */
  mergeResult: (frame: MergeResult, runner: RunnerRecord) => void;
  /** A diff asked for View diff. */
  diffGiven: (requestId: string, answer: { diff: string; cut: boolean; error?: string }) => void;
  /** A PostHog report the bot asked for. */
  reportResult: (frame: ReportResult, runner: RunnerRecord) => void;
}

/** What the bot does with each frame a runner sends: one handler per frame type. */
export function runnerFrameHandlers(deps: RunnerFrameDeps): FrameHandlers<RunnerToBotReceived, [number, RunnerRecord]> {
  return {
    'runner.status': (frame, _seq, runner) => deps.runners.markStatus(runner.id, frame, deps.clock.now()),
    note: (frame, _seq, runner) => deps.log.debug({ runner: runner.name, n: frame.n }, 'note from runner'),
    'issues.found': (frame) => deps.issuesFound(frame.requestId, { issues: frame.issues, ...(frame.error && { error: frame.error }) }),
    'sentry.found': (frame) => deps.sentryFound(frame.requestId, { issues: frame.issues, covered: frame.covered, ...(frame.error && { error: frame.error }) }),
    'task.summary': (frame) => deps.summaryGiven(frame.requestId, { summary: frame.summary, ...(frame.error && { error: frame.error }) }),
    'task.update': (frame, seq, runner) => deps.taskUpdate(frame, seq, runner),
    'task.followup': (frame, _seq, runner) => deps.followUpPicked(frame.followUpId, runner),
    'pr.state': (frame, _seq, runner) => deps.prState(frame, runner),
    'merge.result': (frame, _seq, runner) => deps.mergeResult(frame, runner),
    diff: (frame) => deps.diffGiven(frame.requestId, { diff: frame.diff, cut: frame.cut, ...(frame.error && { error: frame.error }) }),
    'report.result': (frame, _seq, runner) => deps.reportResult(frame, runner),
  };
}

/** The hub's frame handler (runs inside the frame's transaction). */
export function handleRunnerFrames(deps: RunnerFrameDeps): (runner: RunnerRecord, frame: RunnerToBotReceived, seq: number) => void {
  const handlers = runnerFrameHandlers(deps);
  return (runner, frame, seq) => dispatchFrame(handlers, frame, seq, runner);
}
