import { describe, expect, it } from 'vitest';
import { runVerification } from '../../runner/verify/run.ts';
import { systemClock } from '../../shared/clock.ts';
import { createRedactor } from '../../shared/redact.ts';
import { quietLog } from '../support/link-harness.ts';

const KEY_BODY = '0123456789abcdefghijKLMNOPqrstuvwxyzABCDEFGHIJ01';

describe('verification output', () => {
  it.each(['stdout', 'stderr'] as const)('is redacted before its end is kept, so a key whose prefix falls before the cut on %s never shows', async (stream) => {
    // The kept end starts just after "sk-proj-": a cut before redaction would leave the key's body.
    const text = `${'.'.repeat(4000)}sk-proj-${KEY_BODY}${'-'.repeat(5999 - KEY_BODY.length)}`;
    const script = `process.${stream}.write(${JSON.stringify(text)}); process.exitCode = 1;`;
    const result = await runVerification({
      runId: `verify-redaction-${stream}`,
      cwd: process.cwd(),
      argv: [process.execPath, '-e', script],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeLimitMs: 30_000,
      redact: createRedactor(),
      log: quietLog,
      clock: systemClock,
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('[REDACTED]');
    for (let i = 0; i + 10 <= KEY_BODY.length; i++) expect(result.output).not.toContain(KEY_BODY.slice(i, i + 10));
  });
});
