// Test helper: a light structural check of emulator responses against GitHub's OpenAPI description.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field(obj: unknown, key: string): unknown {
  return isRecord(obj) ? obj[key] : undefined;
}

let loaded: Json | undefined;

/** api.github.com.json from @octokit/openapi, parsed once per worker (13 MB). */
function spec(): Json {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(parsed)) throw new Error('openapi: unexpected document');
  loaded = parsed;
  return parsed;
}

/** Follows "#/components/…" references. */
function deref(schema: unknown): unknown {
  let current = schema;
  for (let hops = 0; hops < 20; hops += 1) {
    const ref = field(current, '$ref');
    if (typeof ref !== 'string') return current;
    current = ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, key) => field(node, key), spec());
  }
  return current;
}

/** The OpenAPI path template ("/repos/{owner}/{repo}/pulls/{pull_number}") a concrete path matches. */
export function templateFor(path: string): string | undefined {
  const paths = field(spec(), 'paths');
  if (!isRecord(paths)) return undefined;
  const fixed = Object.keys(paths).find((t) => t === path);
  if (fixed) return fixed;
  // Prefer templates with fewer parameters ("/pulls/{n}/merge" over "/{a}/{b}/{c}").
  const candidates = Object.keys(paths).filter((t) => {
    const re = new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return re.test(path);
  });
  candidates.sort((a, b) => (a.match(/\{/g) ?? []).length - (b.match(/\{/g) ?? []).length);
  return candidates[0];
}

/** The JSON schema of an operation's response, or undefined when the description has none. */
export function responseSchema(method: string, template: string, status: number): unknown {
  const op = field(field(field(spec(), 'paths'), template), method.toLowerCase());
  const response = deref(field(field(op, 'responses'), String(status)));
  const schema = field(field(field(response, 'content'), 'application/json'), 'schema');
  return schema === undefined ? undefined : deref(schema);
}

function typeOk(type: unknown, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** Problems found checking `value` against `schemaIn`: types, nullability, enums, required keys, date-times. */
export function check(schemaIn: unknown, value: unknown, at = '$'): string[] {
  const schema = deref(schemaIn);
  if (!isRecord(schema)) return [];
  if (value === null) return schema.nullable === true || schema.type === undefined ? [] : [`${at}: null but not nullable`];
  const allOf = schema.allOf;
  if (Array.isArray(allOf)) return allOf.flatMap((s) => check(s, value, at));
  const options = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
  if (options) {
    const results = options.map((s) => check(s, value, at));
    return results.some((r) => r.length === 0) ? [] : [`${at}: matches none of ${options.length} alternatives (${results[0]?.[0] ?? ''})`];
  }
  if (!typeOk(schema.type, value)) return [`${at}: expected ${String(schema.type)}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  if (schema.format === 'date-time' && typeof value === 'string' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value)) {
    return [`${at}: not a GitHub date-time: ${value}`];
  }
  if (Array.isArray(value)) return value.flatMap((item, i) => check(schema.items, item, `${at}[${i}]`));
  if (!isRecord(value)) return [];
  const problems: string[] = [];
  const required = Array.isArray(schema.required) ? schema.required : [];
  for (const key of required) if (typeof key === 'string' && !(key in value)) problems.push(`${at}.${key}: missing`);
  const props = isRecord(schema.properties) ? schema.properties : {};
  for (const [key, sub] of Object.entries(props)) if (key in value) problems.push(...check(sub, value[key], `${at}.${key}`));
  return problems;
}

/** Checks one response; "no schema" is itself a problem, so unknown endpoints can't pass silently. */
export function checkResponse(method: string, url: string, status: number, body: unknown): string[] {
  const path = new URL(url).pathname;
  const template = templateFor(path);
  if (template === undefined) return [`${method} ${path}: no such path in the OpenAPI description`];
  if (status === 204) return [];
  const schema = responseSchema(method, template, status);
  if (schema === undefined) return [`${method} ${template} ${status}: no response schema`];
  return check(schema, body).map((p) => `${method} ${template} ${status}: ${p}`);
}
