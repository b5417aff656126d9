#!/usr/bin/env node
// Entry point of the `director` command. `--help` and `--version` are answered here, in plain
// JavaScript; everything else loads TypeScript through tsx, then runs the CLI.
import { readFileSync } from 'node:fs';

const [first, ...rest] = process.argv.slice(2);
if (rest.length === 0 && (first === undefined || first === '--help' || first === '-h' || first === 'help')) {
  process.stdout.write(readFileSync(new URL('./usage.txt', import.meta.url), 'utf8'));
} else if (rest.length === 0 && (first === '--version' || first === '-v')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
}
