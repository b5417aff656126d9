import type { AgentConfig, AgentKind } from '../config.ts';
import { claudeDriver } from './claude.ts';
import { codexDriver } from './codex.ts';
import { commandDriver } from './command.ts';
import type { AgentDriver, DriverSettings } from './driver.ts';

/** One configured agent, and the projects' test commands (claude may run only those). */
interface DriverSpec {
  name: string;
  agent: AgentConfig;
  settings: DriverSettings;
  testCommands: readonly string[];
}

/** A driver for every kind the config accepts: a kind without one fails to compile. */
const factories = {
  codex: ({ name, settings }) => ({ ...codexDriver(settings), name }),
  claude: ({ name, settings, testCommands }) => ({ ...claudeDriver({ ...settings, allowedCommands: [...testCommands] }), name }),
  command: ({ name, agent, settings }) => commandDriver(name, { ...settings, command: agent.command ?? name, input: agent.input }),
} satisfies Record<AgentKind, (spec: DriverSpec) => AgentDriver>;

/** The drivers for the runner's configured agents, by name. */
export function buildDrivers(agents: Record<string, AgentConfig>, testCommands: readonly string[]): Map<string, AgentDriver> {
  const drivers = new Map<string, AgentDriver>();
  for (const [name, agent] of Object.entries(agents)) {
    const settings = { ...(agent.command && { command: agent.command }), args: agent.args, env: agent.env };
    drivers.set(name, factories[agent.kind]({ name, agent, settings, testCommands }));
  }
  return drivers;
}
