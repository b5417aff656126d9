/** What a test run's output tells: counts and the names of failing tests, where it can be read. */
export interface TestReport {
  passed?: number;
  failed?: number;
  skipped?: number;
  /** Names of failing tests, at most 20. */
  failing: string[];
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/** Reads the summary lines of common runners: vitest, jest, mocha, node --test/TAP, pytest, go, cargo, and "N passed, N failed". */
export function parseTestOutput(output: string): TestReport {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const report: TestReport = { failing: [] };
  const set = (passed?: number, failed?: number, skipped?: number) => {
    if (passed !== undefined) report.passed = passed;
    if (failed !== undefined) report.failed = failed;
    if (skipped !== undefined) report.skipped = skipped;
  };

  let m: RegExpExecArray | null;
  // vitest: "Tests  1 failed | 3 passed (4)"
  if ((m = /^\s*Tests\s+(?:(\d+) failed)?(?:\s*\|\s*)?(?:(\d+) passed)?(?:\s*\|\s*)?(?:(\d+) skipped)?/m.exec(text)) && (m[1] || m[2]))
    set(num(m[2]) ?? 0, num(m[1]) ?? 0, num(m[3]));
  // jest: "Tests:       1 failed, 9 passed, 10 total"
  else if ((m = /^Tests:\s+(?:(\d+) failed, )?(?:(\d+) skipped, )?(?:(\d+) passed, )?\d+ total/m.exec(text))) set(num(m[3]) ?? 0, num(m[1]) ?? 0, num(m[2]));
  // pytest: "=== 1 failed, 9 passed, 2 skipped in 0.12s ==="
  else if ((m = /^=+ (.*?) in [\d.]+s/m.exec(text)) && /passed|failed/.test(m[1] ?? '')) {
    const part = m[1] ?? '';
    set(num(/(\d+) passed/.exec(part)?.[1]) ?? 0, num(/(\d+) failed/.exec(part)?.[1]) ?? 0, num(/(\d+) skipped/.exec(part)?.[1]));
  }
  // cargo: "test result: FAILED. 9 passed; 1 failed; 0 ignored"
  else if ((m = /test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/.exec(text))) set(num(m[1]), num(m[2]), num(m[3]));
  // node --test / TAP: "# pass 9" "# fail 1"
  else if ((m = /^# pass (\d+)/m.exec(text)) && /^# fail (\d+)/m.test(text))
    set(num(m[1]), num(/^# fail (\d+)/m.exec(text)?.[1]), num(/^# skip (\d+)/m.exec(text)?.[1]));
  // mocha: "9 passing", "1 failing"
  else if ((m = /^\s*(\d+) passing/m.exec(text))) set(num(m[1]), num(/^\s*(\d+) failing/m.exec(text)?.[1]) ?? 0, num(/^\s*(\d+) pending/m.exec(text)?.[1]));
  // the plain closing line: "N passed, N failed"
  else if ((m = /(\d+) passed, (\d+) failed/.exec(text))) set(num(m[1]), num(m[2]));
  // go: count "--- PASS" / "--- FAIL"
  else if (/^--- (PASS|FAIL):/m.test(text)) set((text.match(/^\s*--- PASS:/gm) ?? []).length, (text.match(/^\s*--- FAIL:/gm) ?? []).length);

  const names = new Set<string>();
  const add = (name: string | undefined) => name && names.size < 20 && names.add(name.trim());
  for (const r of text.matchAll(/^\s*(?:FAIL\s+(.+ > .+?)|[×✗]\s+(.+?))(?:\s+\d+m?s)?$/gm)) add(r[1] ?? r[2]); // vitest
  for (const r of text.matchAll(/^\s*● (.+?)\s*$/gm)) add(r[1]); // jest
  for (const r of text.matchAll(/^FAILED (\S+)/gm)) add(r[1]); // pytest
  for (const r of text.matchAll(/^\s*--- FAIL: (\S+)/gm)) add(r[1]); // go
  for (const r of text.matchAll(/^not ok \d+ - (.+)$/gm)) add(r[1]); // TAP
  for (const r of text.matchAll(/^---- (\S+) stdout ----/gm)) add(r[1]); // cargo
  for (const r of text.matchAll(/^\s*\d+\) (.+)$/gm)) if ((report.failed ?? 0) > 0) add(r[1]); // mocha
  report.failing = [...names];
  return report;
}
