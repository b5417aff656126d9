import type { Logger } from '../../shared/log.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { DirectorStore } from '../store/directors.ts';
import type { RunnerStore } from '../store/runners.ts';
import { cardKey } from './card-refresher.ts';
import { cutMrkdwn, escapeMrkdwn } from '../../shared/text.ts';
import type { RunnerRequests, SummaryAnswer } from './runner-requests.ts';

export interface TaskSummariesOptions {
  store: DirectorStore;
  runners: RunnerStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
  requests: RunnerRequests<SummaryAnswer>;
  log: Logger;
}

/**
 * "Where does this task stand?" answered from the summary the runner keeps of the task's log,
 * never by asking the agent (which may be busy, gone, or out of context).
 */
export class TaskSummaries {
  constructor(private readonly options: TaskSummariesOptions) {}

  /** The answer to `/director status <task>`, as mrkdwn. */
  async status(channel: string, taskId: string): Promise<string> {
    const { store, hub, requests, runners } = this.options;
    const task = store.task(taskId);
    if (!task || task.channel !== channel) return `No task \`${escapeMrkdwn(taskId)}\` in this channel (\`/director status\` lists them).`;
    const last = `It is ${task.state}${task.milestone ? `; last: ${escapeMrkdwn(task.milestone)}` : ''}.`;
    if (task.state === 'held' || task.state === 'waiting') return `Task \`${task.id}\` has not started on its runner yet. ${last}`;
    if (!hub.isOnline(task.runner_id))
      return `Runner *${escapeMrkdwn(runners.byId(task.runner_id)?.name ?? task.runner_id)}* is offline, and it holds the task's summary. ${last}`;
    const { requestId, answer } = requests.open();
    hub.send(task.runner_id, { type: 'task.ask', requestId, taskId: task.id });
    const { summary, error } = await answer;
    if (error) return `No summary of \`${task.id}\`: ${escapeMrkdwn(error)}. ${last}`;
    // Cut inside the code block, so its closing fence always stays.
    return `*Where \`${task.id}\` stands* (from the runner's summary of its log, not from the agent):\n\`\`\`${cutMrkdwn(escapeMrkdwn(summary), 11_500)}\`\`\``;
  }

  /** `status?` in a task's thread: the answer goes into the thread. */
  answerInThread(channel: string, taskId: string, messageTs: string): void {
    const { outbox, log } = this.options;
    void this.status(channel, taskId)
      .then((text) => outbox.show(`task:${taskId}:status:${messageTs}`, { channel, thread: { key: cardKey(taskId) } }, { text }))
      .catch((error: unknown) => log.warn({ err: error }, 'status answer not posted'));
  }
}
