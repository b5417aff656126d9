import type { RunnerEndpoint } from '../../shared/link/sides.ts';
import type { Logger } from '../../shared/log.ts';
import type { BotToRunnerReceived, FrameHandlers } from '../../shared/protocol.ts';
import type { ReportRequest, ReportResult } from '../../shared/report-frames.ts';
import { clip } from '../../shared/text.ts';
import type { GitHubIssues } from '../github/issues.ts';
import type { SentrySource } from '../sentry/source.ts';
import type { TaskEngine } from '../tasks/engine.ts';
import type { TaskStore } from '../tasks/store.ts';
import type { MergeDesk } from '../merge/desk.ts';
import { refusalReasons, refusedUpdate, requestedAgent, type RunnerOwn } from './task-refusal.ts';

/** Characters of a summary sent to the bot (the frame allows 16,000; redaction may lengthen it a little). */
const SUMMARY_FRAME_CHARS = 15_000;

export interface BotFrameDeps extends RunnerOwn {
  engine: TaskEngine;
  store: TaskStore;
  /** Undefined when the runner has no GitHub token. */
  issues: GitHubIssues | undefined;
  /** Sentry issues for "fix sentry errors" (says what is missing when Sentry is not configured). */
  sentry: SentrySource;
  endpoint: RunnerEndpoint;
  /** How the channel's refusals name this runner. */
  runnerName: string;
  /** The task's summary for a person asking: the deterministic one, at once and without a model call. */
  summarise: (taskId: string) => Promise<string>;
  /** Merges approved in Slack and the PR state for cards; undefined without GitHub. */
  merges?: MergeDesk;
  /** The task PR's diff, redacted and cut to fit a frame. */
  diff?: (taskId: string) => Promise<{ diff: string; cut: boolean }>;
  /** Removes a settled task's worktree and local branch (`/director close`); rejects, saying why, otherwise. */
  close: (taskId: string) => Promise<unknown>;
  /** A PostHog report's numbers and chart (runner/reports/report.ts). */
  report: (request: ReportRequest) => Promise<ReportResult>;
  log: Logger;
}

/**
 * What the runner does with each of the bot's frames. Runs inside the frame's transaction: task
 * rows are written before the frame counts as handled; slow work (GitHub reads, stopping) starts after.
 */
export function botFrameHandlers(deps: BotFrameDeps): FrameHandlers<BotToRunnerReceived> {
  const { engine, store, projects, issues, endpoint, log } = deps;
  const later = (work: () => Promise<void>) =>
    setImmediate(() => void work().catch((error: unknown) => log.error({ err: error }, 'handling a bot request failed')));
  return {
    note: (frame) => log.debug({ n: frame.n }, 'note from the bot'),
    'task.start': (frame) => {
      if (store.get(frame.taskId)) return; // already started: the frame was replayed
      const reasons = refusalReasons(frame, deps);
      if (reasons.length > 0) {
        // Nothing is stored or started: a repeat of the frame gets the same answer.
        log.warn({ task: frame.taskId, project: frame.project, reasons }, 'refused a task the bot asked for');
        return void endpoint.send(refusedUpdate(frame, deps, deps.runnerName, reasons));
      }
      const project = projects.get(frame.project);
      const agent = requestedAgent(frame, deps);
      const { source } = frame;
      const input =
        source.kind === 'issue'
          ? {
              kind: 'issue' as const,
              repo: project?.repo ?? frame.project,
              issue: { number: source.number, title: frame.title, body: '', labels: [], comments: [] },
            }
          : source.kind === 'sentry'
            ? deps.sentry.placeholder(frame.project, source.issueId, source.shortId, frame.title)
            : { kind: 'request' as const, text: source.text, requestedBy: source.requestedBy };
      engine.create({
        id: frame.taskId,
        project: frame.project,
        agent,
        title: frame.title,
        input,
        ...(frame.verify && { verify: frame.verify }),
        ...(frame.memory && { memory: frame.memory }),
        ...(frame.review && { review: frame.review }),
        ...(frame.feedback && { feedback: frame.feedback }),
      });
    },
    'task.steer': (frame) => {
      if (store.get(frame.taskId)) engine.steer(frame.taskId, frame.text, frame.author, frame.followUpId);
    },
    'task.retry': (frame) => {
      if (store.get(frame.taskId)) engine.resume(frame.taskId);
    },
    'task.close': (frame) => {
      if (store.get(frame.taskId))
        later(async () => {
          await deps.close(frame.taskId).then(
            () => log.info({ task: frame.taskId }, 'task closed: worktree and local branch removed'),
            (error: unknown) => log.warn({ task: frame.taskId, err: error }, 'task not closed'),
          );
        });
    },
    'task.stop': (frame) => {
      if (store.get(frame.taskId)) later(() => engine.cancel(frame.taskId));
    },
    'task.restart': (frame) => {
      if (store.get(frame.taskId)) later(() => engine.restart(frame.taskId));
    },
    'task.ask': (frame) =>
      later(async () => {
        const answer = (summary: string, error?: string) =>
          endpoint.send({ type: 'task.summary', requestId: frame.requestId, taskId: frame.taskId, summary, ...(error && { error }) });
        if (!store.get(frame.taskId)) return void answer('', `this runner has no task ${frame.taskId}`);
        // A summary budget can be set above what a frame carries: the frame gets the start.
        const summary = await deps.summarise(frame.taskId);
        answer(summary.length > SUMMARY_FRAME_CHARS ? `${clip(summary, SUMMARY_FRAME_CHARS)}\n[… cut]` : summary);
      }),
    'merge.request': (frame) => {
      if (!deps.merges) {
        const reason = 'this runner has no GITHUB_TOKEN, so it cannot merge';
        return void endpoint.send({ type: 'merge.result', requestId: frame.requestId, taskId: frame.taskId, outcome: 'refused', sha: frame.sha, reason });
      }
      later(() => deps.merges?.request(frame) ?? Promise.resolve());
    },
    'pr.ask': (frame) => later(() => deps.merges?.describe(frame.taskId) ?? Promise.resolve()),
    'diff.ask': (frame) =>
      later(async () => {
        const send = (answer: { diff: string; cut: boolean; error?: string }) =>
          endpoint.send({ type: 'diff', requestId: frame.requestId, taskId: frame.taskId, ...answer });
        if (!store.get(frame.taskId) || !deps.diff) return void send({ diff: '', cut: false, error: `this runner has no PR for task ${frame.taskId}` });
        try {
          send(await deps.diff(frame.taskId));
        } catch (error) {
          send({ diff: '', cut: false, error: `GitHub refused the diff: ${error instanceof Error ? error.message : String(error)}` });
        }
      }),
    'sentry.find': (frame) =>
      later(async () => {
        const found = await deps.sentry.find(frame.project, frame.query).catch((error: unknown) => ({
          issues: [],
          covered: 0,
          error: `listing Sentry issues failed: ${error instanceof Error ? error.message : String(error)}`,
        }));
        endpoint.send({ type: 'sentry.found', requestId: frame.requestId, ...found });
      }),
    'report.request': (frame) =>
      later(async () => {
        const result = await deps.report(frame).catch((error: unknown) => ({
          type: 'report.result' as const,
          requestId: frame.requestId,
          weekStarts: [],
          features: [],
          error: `the report failed on the runner: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000),
        }));
        endpoint.send(result);
      }),
    'issues.find': (frame) =>
      later(async () => {
        const project = projects.get(frame.project);
        const send = (found: { issues: { number: number; title: string; url: string }[]; error?: string }) =>
          endpoint.send({ type: 'issues.found', requestId: frame.requestId, ...found });
        if (!project?.repo) return void send({ issues: [], error: `this runner has no project "${frame.project}" with a GitHub repo: add it to its PROJECTS` });
        if (!issues) return void send({ issues: [], error: 'this runner has no GITHUB_TOKEN, so it cannot read issues' });
        try {
          const found = await issues.top(project.repo, { ...frame.query, busy: new Set(frame.query.busy) });
          send({ issues: found.map(({ number, title, url }) => ({ number, title, url })) });
        } catch (error) {
          send({ issues: [], error: `GitHub refused the issue listing: ${error instanceof Error ? error.message : String(error)}` });
        }
      }),
  };
}
