// Stored messages rendered the way the Web API and event payloads show them.
import type { Workspace } from './store.ts';
import type { EmulatorConfig, JsonObject, StoredMessage } from './types.ts';

/** Options of `apiMessage`. */
export interface RenderOptions {
  /** Metadata is only returned when asked for (include_all_metadata, or the poster's own response). */
  metadata: boolean;
}

/** A message as chat.postMessage / conversations.history return it. */
export function apiMessage(store: Workspace, config: EmulatorConfig, m: StoredMessage, options: RenderOptions): JsonObject {
  const out: JsonObject = {
    type: 'message',
    ...(m.subtype === undefined ? {} : { subtype: m.subtype }),
    user: m.user,
    ...(m.bot_id === undefined ? {} : { bot_id: m.bot_id }),
    ...(m.app_id === undefined ? {} : { app_id: m.app_id }),
    text: m.text,
    ts: m.ts,
    team: m.team,
    ...(m.client_msg_id === undefined ? {} : { client_msg_id: m.client_msg_id }),
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts }),
    ...store.threadSummary(m),
    ...(m.edited === undefined ? {} : { edited: m.edited }),
    ...(m.reactions.length === 0 ? {} : { reactions: m.reactions.map((r) => ({ ...r, users: [...r.users] })) }),
    ...(m.files === undefined ? {} : { files: m.files, upload: true }),
    ...(options.metadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
  };
  if (m.bot_id === config.botId) {
    out.bot_profile = {
      id: config.botId,
      app_id: config.appId,
      name: config.botName,
      deleted: false,
      team_id: config.teamId,
    };
  }
  return out;
}

/** Slack's permalink for a message (threads carry thread_ts and cid). */
export function permalink(config: EmulatorConfig, channel: string, m: StoredMessage): string {
  const base = `https://${config.teamDomain}.slack.com/archives/${channel}/p${m.ts.replace('.', '')}`;
  if (m.thread_ts !== undefined && m.thread_ts !== m.ts) return `${base}?thread_ts=${m.thread_ts}&cid=${channel}`;
  return base;
}
