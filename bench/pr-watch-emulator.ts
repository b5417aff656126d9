// The GitHub side of the PR-watch benchmark, in its own process so the runner's CPU is measured
// alone: the emulator with one repository and PR_COUNT open PRs; prints {apiUrl, token} on stdout.
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { startGitHubEmulator } from '../emulators/github/index.ts';
import { gitAsync } from '../emulators/support/git.ts';
import { tempHome } from '../emulators/support/temp-home.ts';

const count = Number(process.argv[2] ?? '100');
const home = tempHome('director-bench-prwatch-');
const gh = await startGitHubEmulator({ rateLimit: 1_000_000 });
await gh.createRepo('acme', 'demo', { files: { 'README.md': '# demo\n' } });
const checkout = join(home.dir, 'checkout');
await gitAsync(home.dir, 'clone', '-q', gh.authGitUrl('acme', 'demo'), checkout);
for (let i = 1; i <= count; i++) {
  await gitAsync(checkout, 'checkout', '-q', '-b', `pr-${i}`, 'origin/main');
  await gitAsync(checkout, 'commit', '-q', '--allow-empty', '-m', `change ${i}`);
}
await gitAsync(checkout, 'push', '-q', 'origin', ...Array.from({ length: count }, (_, i) => `pr-${i + 1}`));
const octokit = new Octokit({ auth: gh.token, baseUrl: gh.apiUrl });
for (let i = 1; i <= count; i++)
  await octokit.rest.pulls.create({ owner: 'acme', repo: 'demo', head: `pr-${i}`, base: 'main', title: `Change ${i}`, draft: true });
process.stdout.write(`${JSON.stringify({ apiUrl: gh.apiUrl, token: gh.token })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void gh.close().then(() => {
    home.remove();
    process.exit(0);
  });
});
