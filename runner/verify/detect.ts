import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const packageJson = z.object({ scripts: z.record(z.string(), z.string()).optional() });
const NPM_PLACEHOLDER = /no test specified/;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The project's test command, guessed from its files when the config names none: npm, make,
 * pytest, go, cargo — in that order. Undefined when nothing looks like a test suite.
 */
export function detectTestCommand(dir: string): string[] | undefined {
  const pkg = read(join(dir, 'package.json'));
  if (pkg !== undefined) {
    const parsed = packageJson.safeParse(JSON.parse(pkg));
    const test = parsed.success ? parsed.data.scripts?.test : undefined;
    if (test && !NPM_PLACEHOLDER.test(test)) return ['npm', 'test'];
  }
  const makefile = read(join(dir, 'Makefile'));
  if (makefile !== undefined && /^test\s*:/m.test(makefile)) return ['make', 'test'];
  if (existsSync(join(dir, 'go.mod'))) return ['go', 'test', './...'];
  if (existsSync(join(dir, 'Cargo.toml'))) return ['cargo', 'test'];
  const pyproject = read(join(dir, 'pyproject.toml')) ?? '';
  const hasPyTests = existsSync(join(dir, 'tests')) && readdirSync(join(dir, 'tests')).some((f) => /^test_.*\.py$|_test\.py$/.test(f));
  if (/\[tool\.pytest/.test(pyproject) || existsSync(join(dir, 'pytest.ini')) || hasPyTests) return ['pytest'];
  return undefined;
}

/** Splits a configured command like `npm test -- --runInBand` into argv, honouring quotes (no shell). */
export function splitCommand(command: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: '"' | "'" | undefined;
  let started = false;
  for (let i = 0; i < command.length; i++) {
    const c = command.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) current += command.charAt(++i);
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      if (c === '\\' && i + 1 < command.length) current += command.charAt(++i);
      else current += c;
      started = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in command: ${command}`);
  if (started) args.push(current);
  return args;
}
