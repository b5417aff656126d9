import type { AgentConfig } from '../config.ts';
import { claudeDriver } from './claude.ts';
import { codexDriver } from './codex.ts';
import { commandDriver } from './command.ts';
import type { AgentDriver } from './driver.ts';

/** The drivers for the runner's configured agents, by name. */
export function buildDrivers(agents: Record<string, AgentConfig>, testCommands: readonly string[]): Map<string, AgentDriver> {
  const drivers = new Map<string, AgentDriver>();
  for (const [name, agent] of Object.entries(agents)) {
    const settings = { ...(agent.command && { command: agent.command }), args: agent.args, env: agent.env };
    switch (agent.kind) {
      case 'codex':
        drivers.set(name, { ...codexDriver(settings), name });
        break;
      case 'claude':
        drivers.set(name, { ...claudeDriver({ ...settings, allowedCommands: [...testCommands] }), name });
        break;
      case 'command':
        drivers.set(name, commandDriver(name, { ...settings, command: agent.command ?? name, input: agent.input }));
        break;
    }
  }
  return drivers;
}
