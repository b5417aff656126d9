import { defaultVerifyCommand, type ProjectConfig } from '../config.ts';
import type { ProjectCheckout } from '../worktrees.ts';

/** A project the engine can run tasks for. */
export interface EngineProject extends ProjectCheckout {
  /** owner/name on GitHub, for publishing. */
  repo?: string;
  /** The project's default verification command, named in prompts; undefined to detect one. */
  testCommand?: string;
  /** Its named verification commands, one of which a task's channel may have chosen. */
  verifyCommands?: ReadonlyMap<string, string>;
}

/** A configured project as the engine and the bot's frames see it (a Map, so no name reaches Object's prototype). */
export function engineProject(project: ProjectConfig): EngineProject & { agent?: string } {
  const { remote, testCommand: _testCommand, verifyCommands = {}, verify: _verify, merge: _merge, ...rest } = project;
  return { ...rest, remote: remote ?? undefined, testCommand: defaultVerifyCommand(project), verifyCommands: new Map(Object.entries(verifyCommands)) };
}

/** The command that verifies a task: the one its channel chose by name, else the project's default (undefined: detect one). */
export function verifyCommandFor(task: { verify: string | null }, project: EngineProject): string | undefined {
  if (task.verify === null) return project.testCommand;
  const command = project.verifyCommands?.get(task.verify);
  if (command === undefined)
    throw new Error(
      `project "${project.name}" no longer has the verify command "${task.verify}": add it back to its verifyCommands in the runner's PROJECTS, or have the channel choose another`,
    );
  return command;
}
