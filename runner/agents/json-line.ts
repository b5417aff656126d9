import type { z } from 'zod';
import type { Logger } from '../../shared/log.ts';

/** One agent output line through its schema; a line that is not JSON or not expected is logged and skipped. */
export function parseJsonLine<S extends z.ZodType>(line: string, schema: S, agent: string, log: Logger): z.output<S> | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    log.debug({ line: line.slice(0, 200) }, `${agent} printed a non-JSON line; skipped`);
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    log.warn({ line: line.slice(0, 200) }, `${agent} line did not match the expected schema; skipped`);
    return undefined;
  }
  return parsed.data;
}
