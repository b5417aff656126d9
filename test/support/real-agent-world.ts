import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { startModelEmulator, type EmulatorUrls, type ModelEmulator } from '../../emulators/model/index.ts';
import { startEngine, type EngineUnderTest } from './engine-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { driverFor, type Kind } from './real-agents.ts';

export interface EngineChoice {
  /** Where the CLI sends its model requests (default: the emulator; a proxy in front of it for failures). */
  model?: EmulatorUrls;
  /** Extra variables for the agent. */
  env?: Record<string, string>;
  /** The agent's base environment instead of PATH and LANG. */
  base?: Record<string, string>;
  /** The repository's files instead of the suite's. */
  files?: Record<string, string>;
}

/**
 * For a suite that drives one real CLI through the task engine: a temp home and a model emulator
 * per test, the engine started on demand, and all of it stopped and removed after each test.
 */
export function useRealAgentWorld(kind: Kind, prefix: string, files: Record<string, string>) {
  let home: ReturnType<typeof tempHome> | undefined;
  let emu: ModelEmulator | undefined;
  let setup: EngineUnderTest | undefined;
  const inTest = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} exists only while a test runs`);
    return value;
  };

  beforeEach(async () => {
    home = tempHome(`${prefix}${kind}-`);
    emu = await startModelEmulator();
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    await emu?.close();
    home?.remove();
  });

  return {
    get home() {
      return inTest(home, 'the home directory');
    },
    get emu() {
      return inTest(emu, 'the model emulator');
    },
    /** The engine with the real CLI as its only agent. */
    engine({ model, env = {}, base, files: own = files }: EngineChoice = {}): EngineUnderTest {
      const dir = inTest(home, 'the home directory').dir;
      const agentEnv = { ...(base ?? { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }), HOME: join(dir, 'agent-home'), ...env };
      mkdirSync(agentEnv.HOME, { recursive: true });
      setup = startEngine(dir, [driverFor(kind, model ?? inTest(emu, 'the model emulator'), dir)], { agentEnv, graceMs: 1000 }, own);
      return setup;
    },
  };
}
