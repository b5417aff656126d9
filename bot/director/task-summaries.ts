import type { Logger } from '../../shared/log.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import { handleOf, type BotTask, type DirectorStore } from '../store/directors.ts';
import type { RunnerStore } from '../store/runners.ts';
import { cardKey } from './card-refresher.ts';
import { stateLabel, stateWords, taskTitle } from './cards.ts';
import { botTaskStateSchema, type BotTaskState } from '../../shared/task-states.ts';
// Not in a code block: code spans may stay, only mentions and links are escaped.
import { cutMrkdwn, escapeEntities, escapeMrkdwn, slackLink } from '../../shared/text.ts';
import type { RunnerRequests, SummaryAnswer } from './runner-requests.ts';

export interface TaskSummariesOptions {
  store: DirectorStore;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  requests: RunnerRequests<SummaryAnswer>;
  log: Logger;
}

const isBotTaskState = (word: string): word is BotTaskState => botTaskStateSchema.safeParse(word).success;

/** The summary's sections by heading (`## Files touched` → its lines). */
function sections(summary: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of summary.split('\n')) {
    const heading = /^## (.+)$/.exec(line)?.[1];
    if (heading !== undefined) found.set(heading.replace(/ \(.*\)$/, ''), (current = []));
    else if (line.trim()) current?.push(line.trim());
  }
  return found;
}

/** The short answer: the state in words, what changed, the last tests, open questions, the PR. */
function shortAnswer(task: BotTask, summary: string): string {
  const parts = sections(summary);
  const first = (name: string) => parts.get(name)?.[0];
  const lines = [`*${handleOf(task)} · ${taskTitle(task)}* — ${stateLabel(task.state)}`];
  const changed = first('Files touched');
  if (changed) lines.push(`• *Changed:* ${escapeEntities(changed)}`);
  const tests = first('Last verification');
  if (tests) lines.push(`• *Last tests:* ${escapeEntities(tests)}`);
  const questions = parts.get('Open questions') ?? [];
  for (const q of questions.slice(0, 3)) lines.push(`• *Open question:* ${escapeEntities(q.replace(/^- /, ''))}`);
  const error = parts.get('Task')?.find((l) => l.startsWith('Last error:'));
  if (error && task.state === 'failed') lines.push(`• ${escapeEntities(error)}`);
  if (task.pr_url) lines.push(`• *PR:* ${slackLink(task.pr_url, 'draft pull request')}`);
  return cutMrkdwn(lines.join('\n'), 2900);
}

/** The whole summary as readable mrkdwn: headings in bold, nothing raw. */
function fullAnswer(task: BotTask, summary: string): string {
  const body = summary
    .split('\n')
    .map((line) => {
      const heading = /^## (.+)$/.exec(line)?.[1];
      if (heading !== undefined) return `*${escapeEntities(heading)}*`;
      // The header's state in words ("PR ready for review", not `awaiting_review`).
      return escapeEntities(line.replace(/ — ([a-z_]+)$/, (whole, state: string) => (isBotTaskState(state) ? ` — ${stateWords(state)}` : whole)));
    })
    .join('\n');
  return cutMrkdwn(`*Where ${handleOf(task)} stands* (from the runner's summary of its log, not from the agent):\n${body}`, 11_500);
}

/**
 * "Where does this task stand?" answered from the summary the runner keeps of the task's log,
 * never by asking the agent (which may be busy, gone, or out of context): a few lines, with the
 * whole summary behind a More button.
 */
export class TaskSummaries {
  constructor(private readonly options: TaskSummariesOptions) {}

  /** The short answer to `/director status <task>`, as mrkdwn. */
  status(channel: string, ref: string): Promise<string> {
    return this.answer(channel, ref, shortAnswer);
  }

  /** The whole summary (the More button). */
  full(channel: string, ref: string): Promise<string> {
    return this.answer(channel, ref, fullAnswer);
  }

  /** `status?` in a task's thread: the short answer goes into the thread, with a More button. */
  answerInThread(channel: string, taskId: string, messageTs: string): void {
    const { outbox, log } = this.options;
    const more = {
      type: 'actions',
      elements: [{ type: 'button', action_id: 'task_status_more', value: taskId, text: { type: 'plain_text', text: 'More' } }],
    };
    void this.status(channel, taskId)
      .then((text) =>
        outbox.show(
          `task:${taskId}:status:${messageTs}`,
          { channel, thread: { key: cardKey(taskId) } },
          { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }, more] },
        ),
      )
      .catch((error: unknown) => log.warn({ err: error }, 'status answer not posted'));
  }

  private async answer(channel: string, ref: string, render: (task: BotTask, summary: string) => string): Promise<string> {
    const { store, hub, requests, runners } = this.options;
    const task = store.taskByRef(channel, ref);
    if (!task) return `No task \`${escapeMrkdwn(ref)}\` in this channel (\`/director status\` lists them).`;
    const last = `It is ${stateLabel(task.state)}${task.milestone ? `; last: ${escapeMrkdwn(task.milestone)}` : ''}.`;
    if (task.state === 'held' || task.state === 'waiting') return `Task \`${handleOf(task)}\` has not started on its runner yet. ${last}`;
    if (!hub.isOnline(task.runner_id))
      return `Runner *${escapeMrkdwn(runners.byId(task.runner_id)?.name ?? task.runner_id)}* is offline, and it holds the task's summary. ${last}`;
    const { requestId, answer } = requests.open();
    hub.send(task.runner_id, { type: 'task.ask', requestId, taskId: task.id });
    const { summary, error } = await answer;
    if (error) return `No summary of \`${handleOf(task)}\`: ${escapeMrkdwn(error)}. ${last}`;
    return render(task, summary);
  }
}
