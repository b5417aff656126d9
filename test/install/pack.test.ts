// "Install a runner" as the README says, from the packed tarball, offline. A global install of a
// tarball resolves every dependency's registry metadata, which the npm cache may not hold (an
// `npm ci` caches only tarballs), so the packed tarball carries npm-shrinkwrap.json with each
// tarball's URL and integrity: `npm ci --offline` in the unpacked package takes them from the cache
// alone, then `npm install -g <dir>` links the `director` command into the prefix. Scripts are
// skipped (better-sqlite3 would compile for a minute; --version and --help do not open a database).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../../emulators/support/temp-home.ts';

const checkout = fileURLToPath(new URL('../../', import.meta.url));
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

describe('the packed tarball', () => {
  let work: ReturnType<typeof tempHome>;
  let prefix: string;
  let elsewhere: string;

  beforeAll(() => {
    work = tempHome('director-pack-');
    const packed = npm(['pack', '--pack-destination', work.dir], checkout).trim().split('\n').pop() ?? '';
    expect(packed).toMatch(/^director-slack-.*\.tgz$/);
    const unpacked = join(work.dir, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['xzf', join(work.dir, packed), '-C', unpacked]);
    const pkg = join(unpacked, 'package');
    expect(readdirSync(pkg)).toContain('npm-shrinkwrap.json');
    expect(readdirSync(pkg)).not.toContain('test');
    npm(['ci', '--offline', '--omit=dev', '--ignore-scripts'], pkg);
    prefix = join(work.dir, 'prefix');
    npm(['install', '--global', '--offline', '--prefix', prefix, pkg], work.dir);
    elsewhere = join(work.dir, 'elsewhere');
    mkdirSync(elsewhere);
  }, 300_000);

  afterAll(() => work.remove());

  const director = (args: string[]) =>
    execFileSync(join(prefix, 'bin', 'director'), args, {
      cwd: elsewhere,
      encoding: 'utf8',
      // Only the prefix's bin and node itself: nothing from this checkout.
      env: { PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}`, HOME: elsewhere, DIRECTOR_HOME: join(elsewhere, 'director') },
    });

  it('gives a director command that prints its version', () => {
    const pkg = execFileSync('node', ['-p', 'require("./package.json").version'], { cwd: checkout, encoding: 'utf8' }).trim();
    expect(director(['--version']).trim()).toBe(pkg);
  });

  it('whose runner help lists pair, start, status and doctor', () => {
    const help = director(['runner', '--help']);
    for (const command of ['pair <code> --url', 'start', 'status', 'doctor', 'close <task>', 'unpair']) expect(help).toContain(command);
  });
});
