import { join } from 'node:path';
import type { Clock } from '../../shared/clock.ts';
import { DirectorError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/log.ts';
import type { Redactor } from '../../shared/redact.ts';
import type { AgentDriver } from '../agents/driver.ts';
import type { Sandbox } from '../sandbox/sandbox.ts';
import type { RunnerConfig } from '../config.ts';
import { agentWriter, openAiWriter, type NarrativeWriter } from './summariser.ts';

export interface WriterChoiceDeps {
  drivers: ReadonlyMap<string, AgentDriver>;
  agentEnv: Record<string, string>;
  redact: Redactor;
  /** The summariser's API key, read from the variable its setting names. */
  apiKey: string | undefined;
  log: Logger;
  clock: Clock;
  sandbox?: Sandbox;
}

/** Who writes the summaries' "where it stands" paragraph, from the SUMMARISER setting. */
export function summaryWriter(
  config: Pick<RunnerConfig, 'summariser' | 'home' | 'graceMs'>,
  deps: WriterChoiceDeps,
): { writer?: NarrativeWriter; timeoutMs?: number } {
  const setting = config.summariser;
  switch (setting.kind) {
    case 'deterministic':
      return {};
    case 'agent': {
      const driver = deps.drivers.get(setting.agent);
      if (!driver)
        throw new DirectorError(
          'config_invalid',
          `SUMMARISER names the agent "${setting.agent}", which is not configured: use one of ${[...deps.drivers.keys()].join(', ')}, or add it to AGENTS.`,
        );
      return {
        writer: agentWriter({
          driver,
          env: deps.agentEnv,
          redact: deps.redact,
          scratchDir: join(config.home, 'summaries'),
          log: deps.log,
          clock: deps.clock,
          graceMs: config.graceMs,
          ...(deps.sandbox && { sandbox: deps.sandbox }),
        }),
        timeoutMs: setting.timeoutMs,
      };
    }
    case 'openai':
      if (setting.apiKeyEnv && !deps.apiKey)
        throw new DirectorError(
          'config_invalid',
          `SUMMARISER reads its API key from ${setting.apiKeyEnv}, which is not set: set it, or drop "apiKeyEnv" for an endpoint without a key.`,
        );
      return {
        writer: openAiWriter({ baseUrl: setting.baseUrl, model: setting.model, ...(deps.apiKey && { apiKey: deps.apiKey }) }),
        timeoutMs: setting.timeoutMs,
      };
  }
}
