import type { RunnerToBot, TaskStartReceived } from '../../shared/protocol.ts';
import { clip, shorten } from '../../shared/text.ts';
import type { EngineProject } from '../tasks/project.ts';

/** What the runner's own config allows a task to ask for. */
export interface RunnerOwn {
  projects: ReadonlyMap<string, EngineProject & { agent?: string }>;
  /** Names of the configured agents (codex and claude included). */
  agents: ReadonlySet<string>;
  defaultAgent: string;
}

/** A name the bot sent, quoted and cut short for a message. */
const quoted = (name: string) => JSON.stringify(clip(name, 64));
const list = (names: Iterable<string>) => [...names].join(', ') || 'none';

/** The agent a task.start asks for: its own, else the project's, else the runner's default. */
export function requestedAgent(frame: TaskStartReceived, own: RunnerOwn): string {
  return frame.agent ?? own.projects.get(frame.project)?.agent ?? own.defaultAgent;
}

/**
 * Why the runner will not run this task, each reason saying what to do; none when it will. The
 * runner is the last word on its machine: only its projects, its agents and its verify commands.
 */
export function refusalReasons(frame: TaskStartReceived, own: RunnerOwn): string[] {
  const reasons: string[] = [];
  if (frame.verifyCommand !== undefined)
    reasons.push('the bot sent shell text to verify with, and this runner runs only its own verify commands — upgrade the bot and choose one by name');
  const project = own.projects.get(frame.project);
  if (!project) reasons.push(`it has no project ${quoted(frame.project)} — add it to its PROJECTS`);
  const agent = requestedAgent(frame, own);
  if (!own.agents.has(agent)) reasons.push(`it has no agent ${quoted(agent)} — use one of ${list(own.agents)}, or add it to its AGENTS`);
  if (project && frame.verify !== undefined && !project.verifyCommands?.has(frame.verify)) {
    const names = list(project.verifyCommands?.keys() ?? []);
    reasons.push(
      `project ${quoted(project.name)} has no verify command ${quoted(frame.verify)} (it has: ${names}) — choose one of them, or add it to its verifyCommands`,
    );
  }
  return reasons;
}

/** The task.update that tells the channel its task was refused: failed, with the reasons as its milestone. */
export function refusedUpdate(frame: TaskStartReceived, own: RunnerOwn, runnerName: string, reasons: readonly string[]): RunnerToBot {
  const reason = shorten(`Refused by runner ${runnerName}: ${reasons.join('; ')}`, 3000);
  return {
    type: 'task.update',
    taskId: frame.taskId,
    state: 'failed',
    agent: clip(requestedAgent(frame, own), 64),
    milestone: { kind: 'failed', reason, text: reason, post: true, misconfigured: true },
  };
}
