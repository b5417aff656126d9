// Redactor throughput on agent output, with many configured secret values.
import { createRedactor } from '../shared/redact.ts';
import { createStreamRedactor } from '../shared/redact-stream.ts';
import type { BenchRow } from './table.ts';

const MEGABYTES = 10;
const SECRETS = 50;

function agentOutput(bytes: number): string {
  const lines = [
    'PASS src/app.test.ts (12 tests) 41ms',
    '{"type":"item.completed","item":{"id":"item_12","type":"command_execution","command":"/bin/bash -lc \'npm test\'","exit_code":0}}',
    'diff --git a/src/app.ts b/src/app.ts\n+export const answer = 42;',
    'Authorization: Bearer not-a-real-token-0123456789 (from the fixture)',
    'npm warn deprecated some-package@1.0.0: use another one',
  ];
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += `${lines[i % lines.length] ?? ''} #${i}\n`;
  return text;
}

export function benchRedact(): Promise<BenchRow[]> {
  const secrets = Array.from({ length: SECRETS }, (_, i) => `secret-value-${i}-${'x'.repeat(12 + (i % 20))}`);
  const redact = createRedactor(secrets);
  const text = agentOutput(MEGABYTES * 1024 * 1024);
  redact(text.slice(0, 100_000)); // warm up the regular expressions

  let started = performance.now();
  const whole = redact(text);
  const wholeSeconds = (performance.now() - started) / 1000;

  const stream = createStreamRedactor(redact);
  started = performance.now();
  let streamed = '';
  for (let at = 0; at < text.length; at += 64 * 1024) streamed += stream.push(text.slice(at, at + 64 * 1024));
  streamed += stream.end();
  const streamSeconds = (performance.now() - started) / 1000;
  if (streamed !== whole) throw new Error('streamed and whole-text redaction differ');

  const rate = (seconds: number) => MEGABYTES / seconds;
  return Promise.resolve([
    {
      benchmark: 'redactor',
      measure: `${MEGABYTES} MB agent output, ${SECRETS} secrets, one string`,
      value: `${rate(wholeSeconds).toFixed(0)} MB/s`,
      goal: '≥ 50 MB/s',
      verdict: rate(wholeSeconds) >= 50 ? 'ok' : 'MISSED',
    },
    {
      benchmark: 'redactor',
      measure: 'same, streamed in 64 KB chunks',
      value: `${rate(streamSeconds).toFixed(0)} MB/s`,
      goal: '≥ 50 MB/s',
      verdict: rate(streamSeconds) >= 50 ? 'ok' : 'MISSED',
    },
  ]);
}
