import type { AllMiddlewareArgs, AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { z } from 'zod';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { SlackDeliveryStore } from '../store/slack-deliveries.ts';

const eventBody = z.object({ event_id: z.string().min(1) });
const triggeredBody = z.object({ trigger_id: z.string().min(1) });

/** The id that stays the same across Slack's retries of one delivery. */
export function deliveryId(body: unknown): string | undefined {
  const event = eventBody.safeParse(body);
  if (event.success) return `event:${event.data.event_id}`;
  const triggered = triggeredBody.safeParse(body);
  if (triggered.success) return `trigger:${triggered.data.trigger_id}`;
  return undefined;
}

/**
 * Global middleware: a delivery Slack sends again (X-Slack-Retry-Num, retry_attempt) is acked and
 * dropped, so it has one effect. Seen ids are kept in SQLite, so this holds across restarts.
 */
export function dedupDeliveries(store: SlackDeliveryStore, clock: Clock, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    const id = deliveryId(args.body);
    if (id === undefined || store.firstSeen(id, clock.now())) {
      await args.next();
      return;
    }
    log.info({ deliveryId: id, retryNum: args.context.retryNum, retryReason: args.context.retryReason }, 'repeated Slack delivery acked and ignored');
    if ('ack' in args && typeof args.ack === 'function') await args.ack();
  };
}
