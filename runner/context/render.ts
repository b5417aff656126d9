import type { TaskInput } from '../agents/prompt.ts';
import { LIMITS, type ContextState, type Digest } from './state.ts';
import { clip, cutBytes, utf8Bytes as bytes } from '../../shared/text.ts';

/** A task summary's default size budget, in UTF-8 bytes. */
export const SUMMARY_BUDGET = 8 * 1024;

/** What the summary says about the task itself (from its record, not its log). */
export interface SummaryHeader {
  title: string;
  goal: string;
  state: string;
  branch?: string;
  pr?: { number: number; url: string };
  error?: string;
}

export interface RenderOptions {
  /** Bytes the summary may take (default 8 KB). */
  budget?: number;
  /** A model-written paragraph on where things stand, shown instead of the deterministic digests. */
  narrative?: string;
}

/** The goal of a task in a few lines: the issue's title and the start of its body, or the request. */
export function goalOf(input: TaskInput): string {
  const text =
    input.kind === 'issue'
      ? `Issue #${input.issue.number}: ${input.issue.title}\n${input.issue.body.trim()}`
      : input.kind === 'sentry'
        ? `Sentry ${input.issue.shortId}: ${input.issue.title}\n${input.issue.culprit}`
        : input.text.trim();
  return text.length > 600 ? `${clip(text, 599)}…` : text;
}

type Section = 'task' | 'instructions' | 'questions' | 'verification' | 'failed' | 'decisions' | 'files' | 'plan' | 'standing' | 'history';

/** Sections in reading order, with their headings. */
const HEADINGS: Record<Section, string> = {
  task: 'Task',
  instructions: 'Human instructions (verbatim, newest first)',
  questions: 'Open questions',
  verification: 'Last verification',
  failed: 'Commands that failed',
  decisions: 'Decisions and conclusions',
  files: 'Files touched',
  plan: 'Plan',
  standing: 'Where it stands',
  history: 'Earlier work',
};
const ORDER = Object.keys(HEADINGS) as Section[];

interface Line {
  section: Section;
  /** Lower goes in first when space runs out. */
  priority: number;
  text: string;
}

const quoteBlock = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

/** The newest instruction takes at most this share of the budget, so a pasted log cannot push out the rest. */
const NEWEST_INSTRUCTION_SHARE = 0.5;

const instructionsCut = (n: number) => `(${n} older instruction(s) not kept)`;

function digestLine(d: Digest): string {
  const idle = d.commands + d.fileChanges + d.messages === 0;
  const counts = idle
    ? 'no agent work (the runner’s own steps: tests, publishing, instructions)'
    : [
        `${d.commands} command(s)${d.failedCommands > 0 ? ` (${d.failedCommands} failed)` : ''}`,
        `${d.fileChanges} file change(s)`,
        `${d.messages} message(s)`,
      ].join(', ');
  const said = d.said ? `; said "${d.said}"` : '';
  const folded = d.folded.length > 0 ? `; earlier decisions: ${d.folded.map((f) => `"${f}"`).join(' ')}` : '';
  return `- events ${d.from}–${d.to}: ${counts}${said}${folded}`;
}

function candidateLines(state: ContextState, header: SummaryHeader, narrative: string | undefined, budget: number): Line[] {
  const lines: Line[] = [];
  const add = (section: Section, priority: number, text: string) => lines.push({ section, priority, text });

  add('task', 0, `${header.title} — ${header.state}`);
  add('task', 0, `Goal:\n${quoteBlock(header.goal)}`);
  if (header.branch) add('task', 0, `Branch: ${header.branch}`);
  const pr = header.pr ?? state.pr;
  if (pr) add('task', 0, `PR: #${pr.number} ${pr.url}`);
  if (header.error) add('task', 1, `Last error: ${cutBytes(header.error, 400)}`);
  else if (state.lastError) add('task', 3, `Last agent error: ${state.lastError}`);

  // Newest first; a long history keeps its newest instructions (renderSummary says how many older ones were cut).
  // Instructions up to half the budget come before failed commands and decisions; older ones after
  // them, but still before the agent's own last summary.
  let instructionBytes = 0;
  [...state.instructions].reverse().forEach((i, n) => {
    const text =
      n === 0 ? cutBytes(`${i.author}:\n${quoteBlock(i.text)}`, Math.floor(budget * NEWEST_INSTRUCTION_SHARE)) : `${i.author}:\n${quoteBlock(i.text)}`;
    instructionBytes += bytes(text);
    add('instructions', n === 0 ? 1 : (instructionBytes <= budget / 2 ? 2 : 4) + n / 1000, text);
  });

  for (const q of [...state.questions].reverse()) add('questions', 2, `- ${q}`);

  const v = state.verification;
  if (v) {
    const verdict = v.ok ? 'passed' : v.timedOut ? 'timed out' : 'failed';
    const counts = [v.passed !== undefined && `${v.passed} passed`, v.failed !== undefined && `${v.failed} failed`].filter(Boolean).join(', ');
    add('verification', 1, `\`${v.command}\` ${verdict}${counts ? ` (${counts})` : ''}${state.verifications > 1 ? `, run ${state.verifications} times` : ''}`);
    if (v.failing.length > 0) add('verification', 2, `Failing: ${v.failing.join('; ')}`);
  }

  [...state.failedCommands].reverse().forEach((f, n) => {
    const how = `exit ${f.exitCode ?? '?'}${f.times > 1 ? `, ${f.times} times` : ''}${f.fixed ? ', later passed' : ''}`;
    add('failed', 3 + n / 100, `- \`${f.command}\` (${how})${f.lastLine ? `: ${f.lastLine}` : ''}`);
  });

  [...state.decisions].reverse().forEach((d, n) => add('decisions', 3 + n / 100, `- ${d}`));

  const files = Object.entries(state.files);
  if (files.length > 0) {
    // Most-changed first when they cannot all be listed; the count is always right.
    const listed = files
      .sort(([, a], [, b]) => b.n - a.n)
      .map(([path, f]) => `${path}${f.kind === 'update' ? '' : ` (${f.kind === 'add' ? 'added' : 'deleted'})`}`);
    const total = files.length + state.moreFiles;
    // Past the paths it can tell apart, only a lower bound is known.
    const over = total > LIMITS.countedFiles;
    const more = state.moreFiles > 0 ? ` and ${over ? '' : `${state.moreFiles} `}more` : '';
    add('files', 2, cutBytes(`${over ? `more than ${LIMITS.countedFiles}` : total} file(s): ${listed.join(', ')}${more}`, 2000));
  }

  if (state.plan) add('plan', 6, state.plan.map((s) => `${s.done ? '[x]' : '[ ]'} ${s.text}`).join('\n'));

  if (narrative) add('standing', 5, narrative);
  else if (state.conclusion) add('standing', 5, `The agent's last summary (turn ${state.turns}):\n${quoteBlock(cutBytes(state.conclusion, 1500))}`);
  const counts = `${state.events} event(s), ${state.turns} turn(s), ${state.commands} command(s)${state.restarts > 0 ? `, ${state.restarts} restart(s)` : ''}`;
  add('history', 5, counts);
  if (!narrative) {
    [...state.digests].reverse().forEach((d, n) => add('history', 7 + n / 100, digestLine(d)));
    if (state.episode.folded.length > 0)
      add('history', 6, `- since event ${state.episode.from}, earlier decisions: ${state.episode.folded.map((f) => `"${f}"`).join(' ')}`);
  }
  return lines;
}

/**
 * The task's summary within its byte budget. Lines go in by priority (the task, the newest
 * instruction, the verification and files first; plan and history last) and are shown in a fixed
 * reading order. A line that does not fit is left out whole, never cut mid-instruction. Human
 * instructions are kept newest first without gaps, and the summary says how many were not kept.
 */
export function renderSummary(state: ContextState, header: SummaryHeader, { budget = SUMMARY_BUDGET, narrative }: RenderOptions = {}): string {
  const candidates = candidateLines(state, header, narrative, budget);
  const sorted = candidates.map((line, index) => ({ line, index })).sort((a, b) => a.line.priority - b.line.priority || a.index - b.index);
  const instructions = state.instructions.length + state.droppedInstructions;
  // Room for the line saying how many instructions were cut, taken only when some are.
  const reserve = bytes(`## ${HEADINGS.instructions}\n`) + 1 + bytes(instructionsCut(instructions)) + 1;
  let chosen = choose(sorted, budget, state.droppedInstructions > 0 ? reserve : 0);
  if (chosen.instructions < instructions && state.droppedInstructions === 0) chosen = choose(sorted, budget, reserve);
  const cut = instructions - chosen.instructions;
  if (cut > 0) {
    const list = chosen.sections.get('instructions') ?? [];
    list.push({ line: { section: 'instructions', priority: 9, text: instructionsCut(cut) }, index: candidates.length });
    chosen.sections.set('instructions', list);
  }
  return ORDER.flatMap((s) => {
    const list = chosen.sections.get(s);
    if (!list) return [];
    return [[`## ${HEADINGS[s]}`, ...list.sort((a, b) => a.index - b.index).map((e) => e.line.text)].join('\n')];
  }).join('\n\n');
}

/** Picks lines by priority into `budget` bytes less `reserve`. */
function choose(sorted: readonly { line: Line; index: number }[], budget: number, reserve: number) {
  const sections = new Map<Section, { line: Line; index: number }[]>();
  let used = reserve;
  let instructions = 0;
  let instructionLeftOut = false;
  for (const entry of sorted) {
    const isInstruction = entry.line.section === 'instructions';
    // Once one instruction is left out, so are all older ones: what is shown is the newest, whole.
    if (isInstruction && instructionLeftOut) continue;
    const section = sections.get(entry.line.section);
    // Heading "## X\n" plus a blank line between sections, the line and its newline.
    const cost = bytes(entry.line.text) + 1 + (section ? 0 : bytes(`## ${HEADINGS[entry.line.section]}\n`) + 1);
    let text = entry.line.text;
    if (used + cost > budget) {
      const room = budget - used - (cost - bytes(text));
      // The newest instruction and the goal are worth a cut version rather than nothing.
      if (entry.line.priority > 1 || room < 40) {
        if (isInstruction) instructionLeftOut = true;
        continue;
      }
      text = cutBytes(text, room);
    }
    used += cost - bytes(entry.line.text) + bytes(text);
    if (isInstruction) instructions++;
    const list = section ?? [];
    list.push({ line: { ...entry.line, text }, index: entry.index });
    sections.set(entry.line.section, list);
  }
  return { sections, instructions };
}
