import { randomBytes } from 'node:crypto';
import { isActive } from '../../shared/task-states.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { BindingStore } from '../store/bindings.ts';
import type { DirectorStore } from '../store/directors.ts';
import { maySteer } from './permissions.ts';

export interface SteeringOptions {
  store: DirectorStore;
  bindings: BindingStore;
  hub: RunnerHub;
  outbox: SlackOutbox;
}

/** What a plain thread reply amounts to: an instruction for the agent, or people talking. */
export type ReplyReading = 'steer' | 'conversation' | 'settled';

/** Says a person other than the bot is addressed: `<@U…>`, `@bob`, `<!here>`, a user group. */
export function addressesSomeoneElse(text: string, botUserId: string | undefined): boolean {
  const mentions = [...text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]);
  if (mentions.some((id) => id !== botUserId)) return true;
  if (/<!(?:here|channel|everyone|subteam\^[^>]*)>/.test(text)) return true;
  // Typed by hand ("hey @bob can you look?"): Slack leaves it as plain text.
  return /(?:^|[\s(,])@[A-Za-z][\w.-]*/.test(text.replace(/<[^>]*>/g, ''));
}

/**
 * Replies in a task's thread that are meant for its agent. An active task is steered by a reply
 * from someone allowed to steer that does not address someone else; a settled task (awaiting
 * review, failed, stopped) is re-opened only by an explicit `@director …` or the Continue button.
 */
export class Steering {
  constructor(private readonly options: SteeringOptions) {}

  /** How a plain reply (no mention of the bot) in the thread of `taskId` is read. */
  read(taskId: string, text: string, botUserId: string | undefined): ReplyReading {
    const task = this.options.store.task(taskId);
    if (!task || !isActive(task.state)) return 'settled';
    return addressesSomeoneElse(text, botUserId) ? 'conversation' : 'steer';
  }

  /** A plain reply: steers an active task, and is left alone otherwise (no reaction). */
  reply(channel: string, taskId: string, user: string, text: string, messageTs: string, botUserId: string | undefined): void {
    if (this.read(taskId, text, botUserId) === 'steer') this.steer(channel, taskId, user, text, messageTs);
  }

  /**
   * An instruction meant for the agent (a plain reply to an active task, `@director …` in a
   * thread, the Continue button): a follow-up for the agent; a settled task runs again with it.
   * 👀 on the person's message now, ✅ when the agent picks it up. Returns a refusal, if any.
   */
  steer(channel: string, taskId: string, user: string, text: string, messageTs?: string): string | undefined {
    const { store, hub, outbox, bindings } = this.options;
    const task = store.task(taskId);
    if (!task || task.channel !== channel) return 'That task is unknown here.';
    if (!maySteer(user, task, bindings.binding(channel))) {
      const refusal = 'In this channel only the task’s starter and the maintainers steer tasks; your reply was not passed to the agent.';
      void outbox.ephemeral({ channel, user, text: refusal }).catch(() => undefined);
      return refusal;
    }
    if (task.state === 'held') {
      // Not on the runner yet: it would have nothing to attach the follow-up to.
      const wait = 'This task waits for a free slot and has not started yet; say it again once it runs.';
      void outbox.ephemeral({ channel, user, text: wait }).catch(() => undefined);
      return wait;
    }
    const followUpId = `${taskId}:${messageTs ?? `button-${randomBytes(4).toString('hex')}`}`;
    store.transaction(() => {
      store.addFollowUp(followUpId, taskId, channel, messageTs ?? '');
      hub.send(task.runner_id, { type: 'task.steer', taskId, followUpId, text, author: user });
    });
    if (messageTs) void outbox.react({ channel, ts: messageTs, name: 'eyes' }).catch(() => undefined);
    return undefined;
  }
}
