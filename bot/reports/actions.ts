// The report's buttons: "Investigate <feature>" starts a task; "Open in PostHog" is a link (acknowledged only).
import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { SlackOutbox } from '../slack/outbox.ts';
import { INVESTIGATE_ACTION, OPEN_ACTION } from './report-message.ts';
import type { Reports } from './reports.ts';

const pressed = z.object({
  user: z.object({ id: z.string(), team_id: z.string().optional() }),
  channel: z.object({ id: z.string() }),
});
const buttonValue = z.object({ value: z.string().max(100) });

export function registerReportActions(app: App, deps: { reports: Reports; outbox: SlackOutbox }): void {
  app.action(new RegExp(`^${INVESTIGATE_ACTION}_\\d+$`), async ({ ack, body, action, context }) => {
    await ack();
    const value = buttonValue.safeParse(action);
    const where = pressed.safeParse(body);
    if (!value.success || !where.success) return;
    const ctx = { channel: where.data.channel.id, user: where.data.user.id, team: context.teamId ?? where.data.user.team_id ?? '', slashCommand: '/director' };
    const answer = deps.reports.investigate(value.data.value, ctx);
    await deps.outbox.ephemeral({ channel: ctx.channel, user: ctx.user, text: answer });
  });
  // A link button still sends an action; Slack shows an error unless it is acknowledged.
  app.action(new RegExp(`^${OPEN_ACTION}_\\d+$`), async ({ ack }) => {
    await ack();
  });
}
