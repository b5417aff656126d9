// Payloads Slack sends to apps: event_callback wrappers, message/app_mention events,
// slash command bodies and block_actions interactions.
import { randomUUID } from 'node:crypto';
import { slackId } from './ids.ts';
import { VERIFICATION_TOKEN } from './http-delivery.ts';
import type { Channel, User } from './store.ts';
import type { EmulatorConfig, JsonObject, StoredMessage } from './types.ts';

/** `event_callback` around an event, with the authorizations Slack attaches. */
export function eventCallback(config: EmulatorConfig, event: JsonObject, eventId: string): JsonObject {
  return {
    token: VERIFICATION_TOKEN,
    team_id: config.teamId,
    context_team_id: config.teamId,
    context_enterprise_id: null,
    api_app_id: config.appId,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(config.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: config.teamId, user_id: config.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${Buffer.from(randomUUID()).toString('base64url').slice(0, 40)}`,
  };
}

/** Slack event ids look like "Ev0123ABCDEF". */
export function newEventId(): string {
  return slackId('Ev0', 9);
}

/** The rich_text block Slack derives from what a person typed (mentions become user elements). */
export function richTextFor(text: string): JsonObject[] {
  const elements: JsonObject[] = [];
  const pattern = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) elements.push({ type: 'text', text: text.slice(last, match.index) });
    elements.push({ type: 'user', user_id: match[1] });
    last = match.index + match[0].length;
  }
  if (last < text.length) elements.push({ type: 'text', text: text.slice(last) });
  return [{ type: 'rich_text', block_id: slackId('', 5), elements: [{ type: 'rich_text_section', elements }] }];
}

/** Fields shared by a person's `message` and `app_mention` events. */
function personEventFields(m: StoredMessage): JsonObject {
  return {
    user: m.user,
    ts: m.ts,
    client_msg_id: m.client_msg_id ?? randomUUID(),
    text: m.text,
    team: m.team,
    ...(m.thread_ts === undefined ? {} : { thread_ts: m.thread_ts }),
    ...(m.blocks === undefined ? {} : { blocks: m.blocks }),
    channel: m.channel,
    event_ts: m.ts,
  };
}

/** A `message` event (message.channels / message.groups). */
export function messageEvent(m: StoredMessage, channel: Channel, parentUser: string | undefined): JsonObject {
  return {
    type: 'message',
    ...personEventFields(m),
    ...(parentUser === undefined ? {} : { parent_user_id: parentUser }),
    channel_type: channel.isPrivate ? 'group' : 'channel',
  };
}

/** An `app_mention` event (sent alongside the message event when the bot is mentioned). */
export function appMentionEvent(m: StoredMessage): JsonObject {
  return { type: 'app_mention', ...personEventFields(m) };
}

/** Inputs of a slash command invocation. */
export interface SlashInput {
  channel: Channel;
  user: User;
  command: string;
  text: string;
  responseUrl: string;
  triggerId: string;
}

/** Slash command body (form fields in HTTP mode, the same object as Socket Mode payload). */
export function slashPayload(config: EmulatorConfig, input: SlashInput): Record<string, string> {
  return {
    token: VERIFICATION_TOKEN,
    team_id: config.teamId,
    team_domain: config.teamDomain,
    channel_id: input.channel.id,
    channel_name: input.channel.isPrivate ? 'privategroup' : input.channel.name,
    user_id: input.user.id,
    user_name: input.user.name,
    command: input.command,
    text: input.text,
    api_app_id: config.appId,
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId,
  };
}

/** Inputs of a button click. */
export interface ClickInput {
  channel: Channel;
  user: User;
  messageTs: string;
  isEphemeral: boolean;
  /** The clicked message as the API renders it (omitted for ephemerals, as Slack does). */
  message: JsonObject | undefined;
  blockId: string;
  button: JsonObject;
  responseUrl: string;
  triggerId: string;
}

/** A `block_actions` payload for one button click. */
/** A modal submitted by a person: `values` are block_id → action_id → plain_text_input value. */
export function viewSubmissionPayload(
  config: EmulatorConfig,
  input: { user: { id: string; name: string }; view: JsonObject; values: Record<string, Record<string, string>>; triggerId: string },
): JsonObject {
  const values = Object.fromEntries(
    Object.entries(input.values).map(([block, actions]) => [
      block,
      Object.fromEntries(Object.entries(actions).map(([action, value]) => [action, { type: 'plain_text_input', value }])),
    ]),
  );
  return {
    type: 'view_submission',
    team: { id: config.teamId, domain: config.teamDomain },
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: config.teamId },
    api_app_id: config.appId,
    token: VERIFICATION_TOKEN,
    trigger_id: input.triggerId,
    view: { ...input.view, state: { values } },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export function blockActionsPayload(config: EmulatorConfig, input: ClickInput): JsonObject {
  const { button } = input;
  return {
    type: 'block_actions',
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: config.teamId },
    api_app_id: config.appId,
    token: VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: input.messageTs,
      channel_id: input.channel.id,
      is_ephemeral: input.isEphemeral,
    },
    trigger_id: input.triggerId,
    team: { id: config.teamId, domain: config.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel.id, name: input.channel.name },
    ...(input.message === undefined ? {} : { message: input.message }),
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: input.blockId,
        text: button.text,
        ...(button.value === undefined ? {} : { value: button.value }),
        ...(button.style === undefined ? {} : { style: button.style }),
        action_ts: `${(config.now() / 1000).toFixed(6)}`,
      },
    ],
  };
}
