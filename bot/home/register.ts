import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import type { AppHome } from './home.ts';

const opened = z.object({ user: z.string(), tab: z.string().optional() });

/** `app_home_opened` (Home tab only, not Messages) publishes the viewer's Home. */
export function registerAppHome(app: App, home: AppHome, log: Logger): void {
  app.event('app_home_opened', async ({ event, body, context }) => {
    const parsed = opened.safeParse(event);
    if (!parsed.success || (parsed.data.tab !== undefined && parsed.data.tab !== 'home')) return;
    const team = context.teamId ?? z.object({ team_id: z.string() }).safeParse(body).data?.team_id ?? '';
    await home.show(parsed.data.user, team).catch((error: unknown) => log.warn({ err: error }, 'App Home not published'));
  });
}
