import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claudeDriver } from '../../runner/agents/claude.ts';
import { codexDriver } from '../../runner/agents/codex.ts';
import type { AgentDriver } from '../../runner/agents/driver.ts';
import { twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { claudeEnv, codexArgs, codexEnv, type EmulatorUrls } from '../../emulators/model/index.ts';

const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

export type Kind = 'codex' | 'claude';

/** The engine's driver for the real CLI, fully offline against the model emulator. */
export function driverFor(kind: Kind, emu: EmulatorUrls, dir: string): AgentDriver {
  if (kind === 'codex') {
    // Outside the temp dir, removed with `dir`'s tempHome: see twinOutsideTmp.
    const codexHome = twinOutsideTmp(dir, 'codex-home');
    return codexDriver({ command: bin('codex'), args: codexArgs(emu), env: codexEnv(emu, codexHome) });
  }
  const home = join(dir, 'claude-home');
  mkdirSync(home, { recursive: true });
  return claudeDriver({ command: bin('claude'), env: claudeEnv(emu, home), allowedCommands: ['npm test', 'sleep'] });
}
