import type { ProjectCheckout } from '../worktrees.ts';

/** A project the engine can run tasks for. */
export interface EngineProject extends ProjectCheckout {
  /** owner/name on GitHub, for publishing. */
  repo?: string;
  /** The project's test command, named in prompts and allowed to the agent. */
  testCommand?: string;
}
