#!/usr/bin/env node
// `npm pack` runs this (prepack): ships package-lock.json as npm-shrinkwrap.json, with each registry
// package's tarball URL filled in, so the packed tarball installs its exact dependencies from the npm
// cache alone (`npm ci --offline`). `postpack` removes the file again (`node bin/shrinkwrap.js --clean`).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const target = new URL('../npm-shrinkwrap.json', import.meta.url);
if (process.argv.includes('--clean')) {
  rmSync(target, { force: true });
} else {
  const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.link || entry.resolved || !entry.version) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    entry.resolved = `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
  }
  writeFileSync(target, `${JSON.stringify(lock, null, 2)}\n`);
}
