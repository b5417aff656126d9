import { spawnAgent } from '../process/spawn.ts';
import type { AgentDriver, DriverSettings } from './driver.ts';

export interface CommandSettings extends DriverSettings {
  command: string;
  /** How the prompt reaches the command: as its last argument, or on stdin. */
  input: 'arg' | 'stdin';
}

/**
 * Any agent CLI that takes a prompt and prints text: each line is output, kept in the task's log
 * and never shown in Slack (the card says output is flowing, and when), except the last, which is
 * its summary, as a codex or claude agent's final message is; the process's exit
 * ends the turn (the task engine turns a clean exit into turn_finished). It cannot resume.
 */
export function commandDriver(name: string, settings: CommandSettings): AgentDriver {
  return {
    name,
    resumable: false,
    run: (request) =>
      spawnAgent({
        ...request,
        file: settings.command,
        args: settings.input === 'arg' ? [...(settings.args ?? []), request.prompt] : (settings.args ?? []),
        ...(settings.input === 'stdin' && { input: request.prompt }),
        env: { ...request.env, ...settings.env },
        parse: (line) => [{ type: 'output', text: line }],
      }),
  };
}
