import type { Redactor } from '../../shared/redact.ts';
import { redactDeep } from '../../shared/redact-stream.ts';
import { tail } from '../../shared/text.ts';
import type { AgentEvent } from './events.ts';

/** Characters of a command's output kept as evidence. */
export const COMMAND_OUTPUT_MAX = 4000;

/**
 * An agent's event as the runner may keep and send it: every string redacted, then a command's
 * output cut to its end. Drivers hand over whole output, so no cut comes before the redaction.
 */
export function redactEvent(event: AgentEvent, redact: Redactor): AgentEvent {
  const clean = redactDeep(event, redact);
  return clean.type === 'command_finished' ? { ...clean, output: tail(clean.output, COMMAND_OUTPUT_MAX) } : clean;
}
