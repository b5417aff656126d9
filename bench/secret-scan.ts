// Secret scan throughput on a diff about to be pushed, with the runner's secret values configured.
import { scanDiff } from '../runner/publish/secret-scan.ts';
import { createRedactor } from '../shared/redact.ts';
import type { BenchRow } from './table.ts';

const MEGABYTES = 10;
const SECRETS = 50;

/** A diff of many files: code hunks, a config file of credentials-like name, one real leak at the end. */
function bigDiff(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let file = 0; size < bytes; file++) {
    const name = file % 25 === 0 ? `config/.env.sample.${file}` : `src/module-${file}.ts`;
    const lines = [`diff --git a/${name} b/${name}`, 'new file mode 100644', 'index 0000000..e69de29', '--- /dev/null', `+++ b/${name}`, '@@ -0,0 +1,40 @@'];
    for (let i = 0; i < 40; i++) lines.push(`+export const value${i} = computeSomething(${i}, 'a plain string argument', options.retries ?? 3);`);
    const text = `${lines.join('\n')}\n`;
    parts.push(text);
    size += text.length;
  }
  parts.push('diff --git a/leak.json b/leak.json\n--- /dev/null\n+++ b/leak.json\n@@ -0,0 +1 @@\n+{"token":"ghp_abcdefghijklmnopqrstuvwxyz0123456789"}\n');
  return parts.join('');
}

export function benchSecretScan(): Promise<BenchRow[]> {
  const secrets = Array.from({ length: SECRETS }, (_, i) => `secret-value-${i}-${'x'.repeat(12 + (i % 20))}`);
  const redact = createRedactor(secrets);
  const diff = bigDiff(MEGABYTES * 1024 * 1024);
  scanDiff(diff.slice(0, 200_000), redact); // warm up the regular expressions
  const started = performance.now();
  const findings = scanDiff(diff, redact);
  const seconds = (performance.now() - started) / 1000;
  if (findings.length !== 1 || findings[0]?.file !== 'leak.json') throw new Error(`expected exactly the planted leak, got ${findings.length} finding(s)`);
  const rate = diff.length / 1024 / 1024 / seconds;
  return Promise.resolve([
    {
      benchmark: 'secret scan',
      measure: `${MEGABYTES} MB diff, ${SECRETS} secret values, .env files checked for entropy`,
      value: `${rate.toFixed(0)} MB/s`,
      goal: '≥ 50 MB/s',
      verdict: rate >= 50 ? 'ok' : 'MISSED',
    },
  ]);
}
