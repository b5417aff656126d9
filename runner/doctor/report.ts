import { z } from 'zod';

/** One check's outcome: `fail` stops `runner start` and makes `doctor` exit 1; `warn` only tells. */
export const checkResultSchema = z.object({
  /** Stable id, e.g. `project.web.remote`, for scripts reading --json. */
  id: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  /** What was checked and what was found, one sentence. */
  text: z.string(),
  /** What to do about it (warn and fail). */
  fix: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const doctorReportSchema = z.object({
  ok: z.boolean(),
  /** When the checks ran (ms since epoch). */
  at: z.number(),
  /** Only the fast, local checks (as `runner start` runs them). */
  fast: z.boolean(),
  checks: z.array(checkResultSchema),
});
export type DoctorReport = z.infer<typeof doctorReportSchema>;

export const ok = (id: string, text: string): CheckResult => ({ id, status: 'ok', text });
export const fail = (id: string, text: string, fix: string): CheckResult => ({ id, status: 'fail', text, fix });
export const warn = (id: string, text: string, fix: string): CheckResult => ({ id, status: 'warn', text, fix });

export function report(checks: CheckResult[], at: number, fast: boolean): DoctorReport {
  return { ok: checks.every((c) => c.status !== 'fail'), at, fast, checks };
}

/** The sentence a person reads for a broken check: what is wrong, then what to do. */
export function sentence(check: CheckResult): string {
  return check.fix ? `${check.text}: ${check.fix}.` : `${check.text}.`;
}

const MARK = { ok: '✓', warn: '!', fail: '✗' } satisfies Record<CheckResult['status'], string>;

/** One line per check, ✓ / ! / ✗, with what to do; then the verdict. */
export function renderReport(doctor: DoctorReport): string {
  const lines = doctor.checks.map((c) => `${MARK[c.status]} ${c.status === 'ok' ? c.text : sentence(c)}`);
  const broken = doctor.checks.filter((c) => c.status === 'fail').length;
  lines.push('', broken === 0 ? 'All checks passed.' : `${broken} problem(s): fix them and run director doctor again.`);
  return lines.join('\n');
}

/** What the runner tells the bot of its last check (shown by /director runners and App Home). */
export function doctorSummary(doctor: DoctorReport): { ok: boolean; at: number; problems: string[] } {
  return {
    ok: doctor.ok,
    at: doctor.at,
    problems: doctor.checks
      .filter((c) => c.status === 'fail')
      .map(sentence)
      .slice(0, 10),
  };
}
