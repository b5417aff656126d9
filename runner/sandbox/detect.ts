import { spawnSync } from 'node:child_process';

/** How to get bubblewrap, for the message that refuses to start agents without it. */
export const INSTALL_BWRAP =
  'install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap; Arch: sudo pacman -S bubblewrap), or set AGENT_SANDBOX=off to run agents unsandboxed on purpose';

/** Whether `bwrapPath` can make the sandbox the runner needs; undefined when it can, else why not. */
export function bwrapProblem(bwrapPath: string): string | undefined {
  const probe = spawnSync(bwrapPath, ['--ro-bind', '/', '/', '--proc', '/proc', '--unshare-user', '--unshare-pid', '--die-with-parent', '--', 'true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error) return `bubblewrap is not available at ${bwrapPath} (${probe.error.message}): ${INSTALL_BWRAP}`;
  if (probe.status !== 0)
    return `bubblewrap at ${bwrapPath} cannot create a sandbox (${probe.stderr.trim() || `exit ${String(probe.status)}`}); unprivileged user namespaces may be off (sysctl kernel.unprivileged_userns_clone=1): ${INSTALL_BWRAP}`;
  return undefined;
}
