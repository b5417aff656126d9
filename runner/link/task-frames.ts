import type { LinkEndpoint } from '../../shared/link/endpoint.ts';
import type { Logger } from '../../shared/log.ts';
import type { AppFrame } from '../../shared/protocol.ts';
import { clip } from '../context/text.ts';
import type { GitHubIssues } from '../github/issues.ts';
import type { EngineProject, TaskEngine } from '../tasks/engine.ts';
import type { TaskStore } from '../tasks/store.ts';

/** Characters of a summary sent to the bot (the frame allows 16,000; redaction may lengthen it a little). */
const SUMMARY_FRAME_CHARS = 15_000;

export interface TaskFrameDeps {
  engine: TaskEngine;
  store: TaskStore;
  projects: ReadonlyMap<string, EngineProject & { agent?: string }>;
  /** Undefined when the runner has no GitHub token. */
  issues: GitHubIssues | undefined;
  endpoint: () => LinkEndpoint;
  defaultAgent: string;
  /** The task's summary for a person asking: the deterministic one, at once and without a model call. */
  summarise: (taskId: string) => Promise<string>;
  log: Logger;
}

/**
 * What the runner does with the bot's frames. Runs inside the frame's transaction: task rows are
 * written before the frame counts as handled; slow work (GitHub reads, stopping) starts after.
 */
export function taskFrameHandler(deps: TaskFrameDeps): (frame: AppFrame) => void {
  const { engine, store, projects, issues, log } = deps;
  const later = (work: () => Promise<void>) => setImmediate(() => void work().catch((error: unknown) => log.error({ err: error }, 'handling a bot request failed')));
  return (frame) => {
    switch (frame.type) {
      case 'task.start': {
        if (store.get(frame.taskId)) return; // already started: the frame was replayed
        const project = projects.get(frame.project);
        const agent = frame.agent ?? project?.agent ?? deps.defaultAgent;
        const input =
          frame.source.kind === 'issue'
            ? { kind: 'issue' as const, repo: project?.repo ?? frame.project, issue: { number: frame.source.number, title: frame.title, body: '', labels: [], comments: [] } }
            : { kind: 'request' as const, text: frame.source.text, requestedBy: frame.source.requestedBy };
        engine.create({
          id: frame.taskId,
          project: frame.project,
          agent,
          title: frame.title,
          input,
          ...(frame.verifyCommand && { verifyCommand: frame.verifyCommand }),
          ...(frame.memory && { memory: frame.memory }),
        });
        return;
      }
      case 'task.steer':
        if (store.get(frame.taskId)) engine.steer(frame.taskId, frame.text, frame.author, frame.followUpId);
        return;
      case 'task.retry':
        if (store.get(frame.taskId)) engine.resume(frame.taskId);
        return;
      case 'task.stop':
        if (store.get(frame.taskId)) later(() => engine.cancel(frame.taskId));
        return;
      case 'task.restart':
        if (store.get(frame.taskId)) later(() => engine.restart(frame.taskId));
        return;
      case 'task.ask':
        later(async () => {
          const answer = (summary: string, error?: string) => deps.endpoint().send({ type: 'task.summary', requestId: frame.requestId, taskId: frame.taskId, summary, ...(error && { error }) });
          if (!store.get(frame.taskId)) return void answer('', `this runner has no task ${frame.taskId}`);
          // A summary budget can be set above what a frame carries: the frame gets the start.
          const summary = await deps.summarise(frame.taskId);
          answer(summary.length > SUMMARY_FRAME_CHARS ? `${clip(summary, SUMMARY_FRAME_CHARS)}\n[… cut]` : summary);
        });
        return;
      case 'issues.find':
        later(async () => {
          const project = projects.get(frame.project);
          const send = (found: { issues: { number: number; title: string; url: string }[]; error?: string }) =>
            deps.endpoint().send({ type: 'issues.found', requestId: frame.requestId, ...found });
          if (!project?.repo) return void send({ issues: [], error: `this runner has no project "${frame.project}" with a GitHub repo: add it to its PROJECTS` });
          if (!issues) return void send({ issues: [], error: 'this runner has no GITHUB_TOKEN, so it cannot read issues' });
          try {
            const found = await issues.top(project.repo, { ...frame.query, busy: new Set(frame.query.busy) });
            send({ issues: found.map(({ number, title, url }) => ({ number, title, url })) });
          } catch (error) {
            send({ issues: [], error: `GitHub refused the issue listing: ${error instanceof Error ? error.message : String(error)}` });
          }
        });
        return;
      default:
        return;
    }
  };
}
