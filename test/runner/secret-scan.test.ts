import { describe, expect, it } from 'vitest';
import { checkedRemoteUrl } from '../../runner/publish/push-url.ts';
import { scanDiff } from '../../runner/publish/secret-scan.ts';
import { createRedactor, REDACTED } from '../../shared/redact.ts';

const RUNNER_SECRET = 'plain-runner-secret-4242';
const redact = createRedactor([RUNNER_SECRET]);

const diff = [
  'diff --git a/src/app.js b/src/app.js',
  'index 1111111..2222222 100644',
  '--- a/src/app.js',
  '+++ b/src/app.js',
  '@@ -3,0 +4,2 @@',
  `+const url = "https://example.com";`,
  `+const key = "${RUNNER_SECRET}";`,
  '@@ -10 +12 @@',
  '-const old = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";',
  '+const old = process.env.TOKEN;',
  'diff --git a/deploy/.env.production b/deploy/.env.production',
  'new file mode 100644',
  '--- /dev/null',
  '+++ b/deploy/.env.production',
  '@@ -0,0 +1,2 @@',
  '+DATABASE_PASSWORD=Zq8vL2mX9pR4tK7wY1nB6cJ3',
  '+LOG_LEVEL=debug_information_verbose',
  'diff --git a/notes.md b/notes.md',
  '--- a/notes.md',
  '+++ b/notes.md',
  '@@ -1 +1 @@',
  '+a random-looking word Zq8vL2mX9pR4tK7wY1nB6cJ3 outside credential files is fine',
].join('\n');

describe('the secret scan of a diff', () => {
  it('reports added lines only, by file and new line number, with the secret redacted', () => {
    expect(scanDiff(diff, redact)).toEqual([
      { file: 'src/app.js', line: 5, excerpt: `const key = "${REDACTED}";` },
      { file: 'deploy/.env.production', line: 1, excerpt: `DATABASE_PASSWORD=${REDACTED}` },
    ]);
  });

  it('finds nothing in a clean diff', () => {
    expect(scanDiff('diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -0,0 +1 @@\n+hello\n', redact)).toEqual([]);
  });
});

describe('the URL checked before a push', () => {
  it('allows the configured origin and refuses any other, credentials in the URL, and plain http off loopback', () => {
    expect(checkedRemoteUrl('https://github.com/acme/demo.git', 'https://github.com')).toBe('https://github.com/acme/demo.git');
    expect(checkedRemoteUrl('http://127.0.0.1:4000/acme/demo.git', 'http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000/acme/demo.git');
    expect(() => checkedRemoteUrl('http://127.0.0.1:4777/acme/demo.git', 'https://github.com')).toThrow(/only pushes to https:\/\/github.com/);
    expect(() => checkedRemoteUrl('https://x:ghp_t@github.com/acme/demo.git', 'https://github.com')).toThrow(/credentials/);
    expect(() => checkedRemoteUrl('http://git.example.com/acme/demo.git', 'http://git.example.com')).toThrow(/only https/);
  });
});
