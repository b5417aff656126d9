import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { APPROVE_MERGE, MERGE_ALL, REQUEST_CHANGES, VIEW_DIFF } from '../director/merge-card.ts';
import type { Clicker, Merges } from '../director/merges.ts';
import type { SlackOutbox } from '../slack/outbox.ts';

/** The Request changes modal: its callback, and where its text is. */
const CHANGES_VIEW = 'merge_changes';
const CHANGES_BLOCK = 'changes';
const CHANGES_INPUT = 'text';

const pressed = z.object({
  user: z.object({ id: z.string(), name: z.string().optional(), username: z.string().optional() }),
  channel: z.object({ id: z.string() }),
  trigger_id: z.string(),
});
const buttonValue = z.object({ value: z.string().max(100) });
const submitted = z.object({
  user: z.object({ id: z.string() }),
  view: z.object({
    private_metadata: z.string(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullable().optional() }))) }),
  }),
});

/** The modal whose text steers the task's agent. */
function changesModal(taskId: string) {
  return {
    type: 'modal' as const,
    callback_id: CHANGES_VIEW,
    private_metadata: taskId,
    title: { type: 'plain_text' as const, text: 'Request changes' },
    submit: { type: 'plain_text' as const, text: 'Send to the agent' },
    close: { type: 'plain_text' as const, text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: CHANGES_BLOCK,
        label: { type: 'plain_text' as const, text: 'What should the agent change?' },
        element: { type: 'plain_text_input', action_id: CHANGES_INPUT, multiline: true, max_length: 3000 },
      },
    ],
  };
}

/** Approve & merge, Request changes, View diff on task cards; Merge all ready on batch cards; the modal's submission. */
export function registerMergeActions(app: App, deps: { merges: Merges; outbox: SlackOutbox; log: Logger }): void {
  const { merges, outbox, log } = deps;
  const press = (actionId: string, handle: (value: string, user: Clicker, triggerId: string) => Promise<string | undefined> | string | undefined) =>
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const value = buttonValue.safeParse(action);
      const where = pressed.safeParse(body);
      if (!value.success || !where.success) return;
      const { user, channel, trigger_id } = where.data;
      const clicker = { id: user.id, name: user.name ?? user.username ?? user.id };
      const answer = await Promise.resolve(handle(value.data.value, clicker, trigger_id)).catch((error: unknown) => {
        log.warn({ err: error }, 'a merge button failed');
        return 'That did not work; try again in a moment.';
      });
      if (answer) await outbox.ephemeral({ channel: channel.id, user: user.id, text: answer });
    });
  press(APPROVE_MERGE, (value, user) => {
    const [taskId = '', sha = ''] = value.split(':');
    return merges.approve(user, taskId, sha);
  });
  press(MERGE_ALL, (batchId, user) => merges.mergeAll(user, batchId));
  press(VIEW_DIFF, (taskId, user) => merges.viewDiff(user.id, taskId));
  app.action(REQUEST_CHANGES, async ({ ack, body, action, client }) => {
    await ack();
    const value = buttonValue.safeParse(action);
    const where = pressed.safeParse(body);
    if (!value.success || !where.success) return;
    await client.views.open({ trigger_id: where.data.trigger_id, view: changesModal(value.data.value) }).catch((error: unknown) => {
      log.warn({ err: error }, 'the Request changes modal did not open');
    });
  });
  app.view(CHANGES_VIEW, async ({ ack, body }) => {
    await ack();
    const view = submitted.safeParse(body);
    if (!view.success) return;
    const text = view.data.view.state.values[CHANGES_BLOCK]?.[CHANGES_INPUT]?.value ?? '';
    await merges.requestChanges(view.data.user.id, view.data.view.private_metadata, text).catch((error: unknown) => {
      log.warn({ err: error }, 'the requested changes were not passed on');
    });
  });
}
