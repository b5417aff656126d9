import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';

const stateRoot = () => join(homedir(), '.cache', 'director-tests');

/** A temp dir; removing it also removes its twin outside the temp dir (see twinOutsideTmp). */
export function tempHome(prefix = 'director-link-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    rmSync(join(stateRoot(), basename(dir)), { recursive: true, force: true, maxRetries: 3 });
  };
  return { dir, remove };
}

/**
 * A directory outside the temp dir that belongs to the temp home `dir` and goes with it: codex
 * (once bubblewrap is installed) refuses to make its helper links under a CODEX_HOME in the temp
 * dir, and Director's sandbox makes /tmp private.
 */
export function twinOutsideTmp(dir: string, name: string): string {
  const twin = join(stateRoot(), basename(dir), name);
  mkdirSync(twin, { recursive: true, mode: 0o700 });
  return twin;
}
