/**
 * What a reviewer answers: findings as structured data, parsed with a schema. Codex is held to
 * the JSON schema below by `--output-schema`; Claude is asked for the same JSON as its final
 * message. Anything else is malformed, and the gate retries once.
 */
import { z } from 'zod';

/** P0 (breaks something) … P3 (nit). P0 and P1 block: the task's agent gets a fix-up turn. */
export const severitySchema = z.enum(['P0', 'P1', 'P2', 'P3']);
export type Severity = z.infer<typeof severitySchema>;

/** One finding of the reviewer. */
export const findingSchema = z.object({
  severity: severitySchema,
  /** Path relative to the repository's root. */
  file: z.string().min(1).max(500),
  /** 1-based line in the new version; 0 when the finding is about the whole file. */
  line: z.number().int().min(0),
  /** One sentence: what is wrong. */
  problem: z.string().min(1).max(2000),
  /** One sentence: how to fix it. */
  fix: z.string().max(2000),
});
export type Finding = z.infer<typeof findingSchema>;

/** The reviewer's whole answer. */
export const reviewAnswerSchema = z.object({ findings: z.array(findingSchema).max(100) });
export type ReviewAnswer = z.infer<typeof reviewAnswerSchema>;

/**
 * The answer's JSON schema for codex's `--output-schema`, in the subset OpenAI's strict structured
 * outputs accept (every key required, no others, no length bounds); the zod schema above is the
 * one that decides.
 */
export const reviewJsonSchema = {
  type: 'object',
  properties: {
    findings: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          severity: { type: 'string', enum: severitySchema.options },
          file: { type: 'string' },
          line: { type: 'integer' },
          problem: { type: 'string' },
          fix: { type: 'string' },
        },
        required: ['severity', 'file', 'line', 'problem', 'fix'],
        additionalProperties: false,
      },
    },
  },
  required: ['findings'],
  additionalProperties: false,
} as const;

export const blocking = (f: Finding): boolean => f.severity === 'P0' || f.severity === 'P1';

/** The JSON object in a final message: the whole text, or inside a ```json fence, or the outermost braces. */
function jsonCandidates(text: string): string[] {
  const trimmed = text.trim();
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(trimmed)?.[1];
  const first = trimmed.indexOf('{');
  const last = trimmed.lastIndexOf('}');
  const braces = first >= 0 && last > first ? trimmed.slice(first, last + 1) : undefined;
  return [trimmed, fenced, braces].filter((c): c is string => c !== undefined);
}

/** The findings in a reviewer's final message, or why it is malformed. */
export function parseReviewAnswer(text: string | undefined): { ok: true; answer: ReviewAnswer } | { ok: false; problem: string } {
  if (text === undefined || text.trim() === '') return { ok: false, problem: 'the reviewer gave no final message' };
  let problem = 'the final message is not JSON';
  for (const candidate of jsonCandidates(text)) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    const parsed = reviewAnswerSchema.safeParse(value);
    if (parsed.success) return { ok: true, answer: parsed.data };
    problem = `the JSON does not match the findings schema (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  }
  return { ok: false, problem };
}
