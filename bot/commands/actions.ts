import type { App } from '@slack/bolt';
import { z } from 'zod';
import { APPROVE_ACTION, DENY_ACTION } from '../director/bindings.ts';
import type { CommandHandlerDeps } from './handlers.ts';

/** What every button press carries that Director reads: the button's value, who pressed it, where. */
const pressed = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  /** Absent for a button in the App Home tab. */
  channel: z.object({ id: z.string() }).optional(),
});
const buttonValue = z.object({ value: z.string().max(100) });

/** The buttons: Stop, Continue, Retry, Status and More on task cards, Approve / Deny on a runner owner's binding requests. */
export function registerActions(app: App, deps: CommandHandlerDeps): void {
  const { director, binder, outbox, steering, summaries } = deps;
  const press = (actionId: string, handle: (value: string, user: string, team: string, channel: string | undefined) => string | undefined | Promise<string>) =>
    app.action(actionId, async ({ ack, body, action, context }) => {
      await ack();
      const value = buttonValue.safeParse(action);
      const where = pressed.safeParse(body);
      if (!value.success || !where.success) return;
      const team = context.teamId ?? where.data.user.team_id ?? '';
      const answer = await handle(value.data.value, where.data.user.id, team, where.data.channel?.id);
      // In the Home tab the answer is the refreshed Home itself.
      if (!where.data.channel) await deps.home?.show(where.data.user.id, team);
      else if (answer) await outbox.ephemeral({ channel: where.data.channel.id, user: where.data.user.id, text: answer });
    });
  press('task_stop', (taskId, user) => director.stopButton(user, taskId));
  // Continue re-opens a settled task, as `@director continue` in its thread does.
  press('task_continue', (taskId, user, _team, channel) => channel && steering.steer(channel, taskId, user, 'Continue where you left off.'));
  press('task_retry', (taskId, _user, _team, channel) => channel && director.retry(channel, taskId));
  press('task_status', (taskId, _user, _team, channel) => channel && summaries.status(channel, taskId));
  press('task_status_more', (taskId, _user, _team, channel) => channel && summaries.full(channel, taskId));
  press(APPROVE_ACTION, (requestId, user, team) => binder.decide(requestId, true, user, team));
  press(DENY_ACTION, (requestId, user, team) => binder.decide(requestId, false, user, team));
}
