import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { call } from './web-api-port.ts';

const opened = z.object({ channel: z.object({ id: z.string() }) });

/** The app's direct message channel with a person (`conversations.open`, scope `im:write`), for messages only they should act on. */
export function directMessageChannel(client: WebClient): (user: string) => Promise<string> {
  return async (user) => opened.parse(await call('conversations.open', () => client.conversations.open({ users: user }))).channel.id;
}
