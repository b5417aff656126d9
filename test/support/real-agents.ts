import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeDriver } from '../../runner/agents/claude.ts';
import { codexDriver } from '../../runner/agents/codex.ts';
import type { AgentDriver } from '../../runner/agents/driver.ts';
import { claudeEnv, codexArgs, codexEnv, type EmulatorUrls } from '../../emulators/model/index.ts';

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

export type Kind = 'codex' | 'claude';

/** The engine's driver for the real CLI, fully offline against the model emulator. */
export function driverFor(kind: Kind, emu: EmulatorUrls, dir: string): AgentDriver {
  if (kind === 'codex') {
    const codexHome = join(dir, 'codex-home');
    mkdirSync(codexHome, { recursive: true });
    return codexDriver({ command: bin('codex'), args: codexArgs(emu), env: codexEnv(emu, codexHome) });
  }
  const home = join(dir, 'claude-home');
  mkdirSync(home, { recursive: true });
  return claudeDriver({ command: bin('claude'), env: claudeEnv(emu, home), allowedCommands: ['npm test', 'sleep'] });
}
