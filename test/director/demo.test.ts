import { describe, expect, it } from 'vitest';
import { runDirector } from '../support/cli.ts';

describe('director demo', () => {
  it('runs the whole loop offline and prints the channel as a person sees it', async () => {
    const { code, stdout, stderr } = await runDirector(['demo']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Fix top 3 issues* — 3 ready for review');
    for (const title of ['Greeting ignores the name argument', 'Config loader crashes on an empty file', 'Add a --version flag to the CLI'])
      expect(stdout).toContain(title);
    expect(stdout).toContain('Draft PR #');
    expect(stdout).toContain('updated');
    // The evidence gates: a reviewer's finding fixed before the PR, and a review comment addressed after it.
    expect(stdout).toContain('Review: 1 finding fixed, 0 noted');
    expect(stdout).toContain('Addressed 1 review comment from @carol');
    expect(stdout).toContain('alice: @director Looks good — please also add a short doc page for this.  👀 ✅');
    // "status?" is answered in the thread in a few lines, the whole summary behind More; the memory holds a digest per task.
    expect(stdout).toMatch(/Last tests:\* `[^`]+` passed/);
    expect(stdout).toMatch(/stands\* \(from the runner's summary/);
    expect(stdout).toMatch(/\*Human instructions \(verbatim, newest first\)\*\n\s+U0ALICE:\n\s+Looks good — please also add a short doc page for this\./);
    // A PR ready is told to its starter; nothing raw or unrendered reaches the channel.
    expect(stdout).toContain('@alice Ready for review');
    expect(stdout).not.toContain('awaiting_review');
    // The plan's steps tick on the card as the agent's todo list changes.
    expect(stdout).toContain('☑ Run the tests');
    expect(stdout).toContain('Project memory of this channel');
    // The demo ends with Merge all ready: three merges, one click.
    expect(stdout).toContain('Merged 3 of 3');
    expect(stdout.match(/🎉 \*Merged\* by @alice at `[0-9a-f]{7}`/g)).toHaveLength(3);
    // It ends with the weekly feature report from events posthog-node captured, its chart as a file in the thread.
    expect(stdout).toMatch(/Feature report — week to \d{4}-\d{2}-\d{2}/);
    expect(stdout).toMatch(/\*Friendly greeting\* — \*70\* users, 210 events/);
    expect(stdout).toMatch(/📎 Feature report — week to [\d-]+ \(feature-report-[\d-]+\.png, image\/png, \d+ KB\)/);
    for (const title of ['Greeting ignores the name argument', 'Config loader crashes on an empty file', 'Add a --version flag to the CLI'])
      expect(stdout.split('/director memory')[1]).toContain(title);
  }, 240_000);
});
