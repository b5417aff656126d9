import { describe, expect, it } from 'vitest';
import { runDirector } from '../support/cli.ts';

describe('director demo', () => {
  it('runs the whole loop offline and prints the channel as a person sees it', async () => {
    const { code, stdout, stderr } = await runDirector(['demo']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Fix top 3 issues* — 3/3 done');
    for (const title of ['Greeting ignores the name argument', 'Config loader crashes on an empty file', 'Add a --version flag to the CLI'])
      expect(stdout).toContain(title);
    expect(stdout).toContain('Draft PR #');
    expect(stdout).toContain('updated');
    expect(stdout).toContain('alice: Looks good — please also add a short doc page for this.  👀 ✅');
    // "status?" is answered in the thread from the summary; the memory holds a digest per task.
    expect(stdout).toMatch(/stands\* \(from the runner's summary/);
    expect(stdout).toMatch(/## Human instructions \(verbatim, newest first\)\n\s+U0ALICE:\n\s+Looks good — please also add a short doc page for this\./);
    expect(stdout).toContain('Project memory of this channel');
    // It ends with the weekly feature report from events posthog-node captured, its chart as a file in the thread.
    expect(stdout).toMatch(/Feature report — week to \d{4}-\d{2}-\d{2}/);
    expect(stdout).toMatch(/\*Friendly greeting\* — \*70\* users, 210 events/);
    expect(stdout).toMatch(/📎 Feature report — week to [\d-]+ \(feature-report-[\d-]+\.png, image\/png, \d+ KB\)/);
    for (const title of ['Greeting ignores the name argument', 'Config loader crashes on an empty file', 'Add a --version flag to the CLI'])
      expect(stdout.split('/director memory')[1]).toContain(title);
  }, 240_000);
});
