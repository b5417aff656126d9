// A Sentry event's stack trace and breadcrumbs as plain text for a prompt: each piece redacted before it is cut; the prompt fences it.
import type { Redactor } from '../../shared/redact.ts';
import { clip } from '../../shared/text.ts';
import type { SentryBreadcrumb, SentryEvent, SentryFrame } from './schemas.ts';

/** Frames kept per exception (the most recent ones: where it broke). */
const MAX_FRAMES = 40;
const MAX_BREADCRUMBS = 30;
const LINE = 300;

function frameLine(frame: SentryFrame, redact: Redactor): string {
  const where = `${frame.filename ?? frame.absPath ?? frame.module ?? '?'}:${frame.lineNo ?? '?'}${frame.colNo ? `:${frame.colNo}` : ''}`;
  const lines = [redact(`  at ${frame.function ?? '<anonymous>'} (${where})${frame.inApp === false ? ' [library]' : ''}`)];
  const source = frame.context?.find(([n]) => n === frame.lineNo)?.[1];
  if (source) lines.push(`      ${clip(redact(source.trim()), LINE)}`);
  return lines.join('\n');
}

/** Each exception of the event, its type and value, then its frames with the crashing call last. */
export function stackText(event: SentryEvent | undefined, redact: Redactor): string {
  const parts: string[] = [];
  for (const entry of event?.entries ?? []) {
    if (entry.type !== 'exception') continue;
    for (const exception of entry.data.values ?? []) {
      parts.push(`${redact(exception.type ?? 'Error')}: ${clip(redact(exception.value ?? ''), LINE * 2)}`);
      const frames = exception.stacktrace?.frames ?? [];
      if (frames.length > MAX_FRAMES) parts.push(`  … ${frames.length - MAX_FRAMES} older frames left out`);
      parts.push(...frames.slice(-MAX_FRAMES).map((frame) => frameLine(frame, redact)));
    }
  }
  return parts.join('\n');
}

function crumbLine(crumb: SentryBreadcrumb, redact: Redactor): string {
  const head = redact(`${crumb.timestamp ?? ''} [${crumb.category ?? crumb.type ?? 'default'}] ${crumb.level ?? 'info'}`);
  return `${head}: ${clip(redact(crumb.message ?? ''), LINE)}`.trim();
}

/** The event's breadcrumbs, the latest ones, oldest first. */
export function breadcrumbText(event: SentryEvent | undefined, redact: Redactor): string {
  const crumbs = (event?.entries ?? []).flatMap((e) => (e.type === 'breadcrumbs' ? (e.data.values ?? []) : []));
  return crumbs
    .slice(-MAX_BREADCRUMBS)
    .map((crumb) => crumbLine(crumb, redact))
    .join('\n');
}
