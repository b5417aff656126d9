import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Makes `dir` (and missing parents) with mode 0700, and tightens an existing one to 0700 when this
 * user owns it and it is not a shared directory (sticky bit, as on /tmp): Director's home holds
 * token hashes, task text and the link's outbox, for this user's eyes only.
 */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { mode, uid } = statSync(dir);
  const shared = (mode & 0o1000) !== 0;
  const mine = process.getuid === undefined || uid === process.getuid();
  if ((mode & 0o077) !== 0 && mine && !shared) chmodSync(dir, 0o700);
}

/** Sets mode 0600 on `file`, creating it empty first when `create` is set (a missing file is otherwise left alone). */
export function privateFile(file: string, create = false): void {
  if (create) closeSync(openSync(file, 'a', 0o600));
  else if (!existsSync(file)) return;
  chmodSync(file, 0o600);
}
