import type { z } from 'zod';
import { DirectorError } from '../errors.ts';
import type { ConfigSource } from './source.ts';

/** One configuration variable: how to validate it and what to tell a person who got it wrong. */
export interface VariableSpec<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** What the value should be and where to get it; shown after the problem. */
  hint: string;
  /** Secret values are never echoed back in error messages. */
  secret?: boolean;
}

export type VariableSpecs = Record<string, VariableSpec>;

export type ParsedVariables<T extends VariableSpecs> = { [K in keyof T]: z.output<T[K]['schema']> };

/** Where in a structured value an issue is, e.g. `PROJECTS[0].repo`. */
function where(name: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : `${at}.${String(key)}`), name);
}

/** One issue of a structured value (a JSON list or object), naming the field and what is wrong with it. */
function fieldIssue(name: string, issue: z.core.$ZodIssue): string {
  const at = where(name, issue.path);
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${at} is missing`;
  if (issue.code === 'unrecognized_keys') return `${at} has unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${at}: ${issue.message}`;
}

/** What the schema's own checks said, written to name the fix; never for a secret, whose value they might quote. */
function explained(name: string, spec: VariableSpec, error: z.ZodError | undefined): string {
  if (!error || spec.secret === true) return '';
  const messages = [
    ...new Set(error.issues.map((issue) => (issue.code === 'custom' ? issue.message : issue.path.length > 0 ? fieldIssue(name, issue) : undefined))),
  ].filter((m): m is string => m !== undefined);
  return messages.length > 0 ? `${messages.slice(0, 5).join('; ')}; ` : '';
}

/** A problem with one variable, as a line of the error a person reads. */
export function describeProblem(name: string, spec: VariableSpec, raw: unknown, error?: z.ZodError): string {
  if (raw === undefined) return `${name} is missing: ${spec.hint}`;
  const shown = spec.secret === true || typeof raw !== 'string' ? '' : ` ("${raw.slice(0, 80)}")`;
  return `${name} is not valid${shown}: ${explained(name, spec, error)}${spec.hint}`;
}

export function configError(problems: readonly string[]): DirectorError {
  const heading = problems.length === 1 ? 'a configuration problem' : `${problems.length} configuration problems`;
  return new DirectorError('config_invalid', `Director cannot start: ${heading}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/**
 * Validates every variable of `specs` from `source` and reports all problems at once, each
 * naming the variable and how to fix it.
 */
export function parseVariables<T extends VariableSpecs>(specs: T, source: ConfigSource): ParsedVariables<T> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const result = spec.schema.safeParse(source[name]);
    if (result.success) out[name] = result.data;
    else problems.push(describeProblem(name, spec, source[name], result.error));
  }
  if (problems.length > 0) throw configError(problems);
  return out as ParsedVariables<T>;
}
