// Acting as a person in Slack: slash commands, messages, mentions, thread replies, button clicks.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Dispatcher } from './deliveries.ts';
import { appMentionEvent, blockActionsPayload, eventCallback, messageEvent, newEventId, richTextFor, slashPayload, viewSubmissionPayload } from './events.ts';
import { VERIFICATION_TOKEN } from './http-delivery.ts';
import { apiMessage } from './render.ts';
import { ReplyBody, applyReply } from './response-url.ts';
import type { ResponseUrls } from './response-url.ts';
import type { Channel, User, Workspace } from './store.ts';
import type { Triggers } from './triggers.ts';
import type { DeliveryRecord, EmulatorConfig, JsonObject, StoredMessage } from './types.ts';

/** What person helpers need from the emulator. */
export interface PersonDeps {
  config: EmulatorConfig;
  store: Workspace;
  dispatcher: Dispatcher;
  triggers: Triggers;
  responses: ResponseUrls;
}

/** Outcome of `person.slash`. */
export interface SlashResult {
  /** The ack payload (Socket Mode) or parsed response body (HTTP); undefined when not acked. */
  ack: unknown;
  /** The ephemeral the ack produced (default response_type). */
  ephemeral?: { text: string; blocks?: JsonObject[] };
  /** The visible message an `in_channel` ack produced. */
  message?: StoredMessage;
  /** Slack's error shown to the person ("operation_timeout", "dispatch_failed", …). */
  error?: string;
  delivery: DeliveryRecord;
}

/** Options of `person.say`. */
export interface SayOptions {
  /** Reply in this thread (root or any message of it). */
  threadTs?: string;
  /** Afterwards send each event again this many times with retry headers. */
  redeliver?: number;
}

/** Outcome of `person.say`. */
export interface SayResult {
  ts: string;
  /** message event first, then app_mention when the bot was mentioned; empty if the bot isn't in the channel. */
  eventIds: string[];
  deliveries: DeliveryRecord[];
}

/** Outcome of `person.click`. */
export interface ClickResult {
  ack: unknown;
  delivery: DeliveryRecord;
}

const Element = z.looseObject({ type: z.string(), action_id: z.string().optional() });
const ActionableBlock = z.looseObject({
  block_id: z.string().optional(),
  elements: z.array(z.unknown()).optional(),
  accessory: z.unknown().optional(),
});

/** Finds a button by action_id in blocks; returns it with its block_id. */
function findButton(blocks: JsonObject[] | undefined, actionId: string, value?: string): { blockId: string; button: JsonObject } | undefined {
  for (const raw of blocks ?? []) {
    const block = ActionableBlock.safeParse(raw);
    if (!block.success) continue;
    const candidates = [...(block.data.elements ?? []), block.data.accessory];
    for (const candidate of candidates) {
      const element = Element.safeParse(candidate);
      if (element.success && element.data.type === 'button' && element.data.action_id === actionId && (value === undefined || element.data.value === value)) {
        return { blockId: block.data.block_id ?? '', button: element.data };
      }
    }
  }
  return undefined;
}

/** A workspace member the test acts as. */
export class Person {
  constructor(
    readonly id: string,
    private readonly deps: PersonDeps,
  ) {}

  /** Runs a slash command; resolves after the bot acked (or the ack deadline passed). */
  async slash(channelId: string, command: string, text = ''): Promise<SlashResult> {
    const { config, store, dispatcher } = this.deps;
    const { user, channel } = this.presence(channelId);
    const responseUrl = this.deps.responses.issue({ channel: channel.id, user: user.id });
    const triggerId = this.deps.triggers.issue(user.id);
    const payload = slashPayload(config, { channel, user, command, text, responseUrl, triggerId });
    const delivery = await dispatcher.deliver('slash_commands', payload);
    if (delivery.status !== 'acked') {
      const error = delivery.status === 'timeout' ? 'operation_timeout' : 'dispatch_failed';
      store.addEphemeral({
        channel: channel.id,
        user: user.id,
        text: `${command} failed with the error "${error}"`,
        from: 'USLACKBOT',
        source: 'slack_error',
      });
      return { ack: undefined, error, delivery };
    }
    const ack = delivery.ackPayload;
    const reply = ReplyBody.safeParse(typeof ack === 'string' ? { text: ack } : (ack ?? {}));
    if (!reply.success) return { ack, error: 'invalid_ack_payload', delivery };
    const effect = applyReply(store, config, { channel: channel.id, user: user.id }, reply.data, 'ack');
    if (!effect.ok) return { ack, error: typeof effect.body.error === 'string' ? effect.body.error : 'invalid_blocks', delivery };
    const result: SlashResult = { ack, delivery };
    if (effect.ephemeral) {
      result.ephemeral = { text: effect.ephemeral.text, ...(effect.ephemeral.blocks ? { blocks: effect.ephemeral.blocks } : {}) };
    }
    if (effect.message) result.message = effect.message;
    return result;
  }

  /** Posts a message as this person and delivers `message` (+ `app_mention` when the bot is mentioned). */
  async say(channelId: string, text: string, options: SayOptions = {}): Promise<SayResult> {
    const { config, store, dispatcher } = this.deps;
    const { user, channel } = this.presence(channelId);
    let threadTs: string | undefined;
    if (options.threadTs !== undefined) {
      const target = store.find(channel.id, options.threadTs);
      if (!target) throw new Error(`slack emulator: no message ${options.threadTs} in ${channel.id} to reply to`);
      threadTs = target.thread_ts ?? target.ts;
    }
    const message = store.post(channel.id, {
      user: user.id,
      text,
      client_msg_id: randomUUID(),
      blocks: richTextFor(text),
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    });
    // Slack only sends channel events to apps that are in the channel.
    if (!channel.members.has(config.botUserId)) return { ts: message.ts, eventIds: [], deliveries: [] };
    const parentUser = threadTs === undefined ? undefined : store.find(channel.id, threadTs)?.user;
    const events = [messageEvent(message, channel, parentUser)];
    if (text.includes(`<@${config.botUserId}>`) || text.includes(`<@${config.botUserId}|`)) events.push(appMentionEvent(message));
    const eventIds = events.map(() => newEventId());
    const deliveries = await Promise.all(
      events.map((event, i) => {
        const eventId = eventIds[i] ?? newEventId();
        return dispatcher.deliver('events_api', eventCallback(config, event, eventId), eventId);
      }),
    );
    for (const eventId of eventIds) {
      if ((options.redeliver ?? 0) > 0) deliveries.push(...(await dispatcher.redeliver(eventId, options.redeliver ?? 0)));
    }
    return { ts: message.ts, eventIds, deliveries };
  }

  /** `say` with the bot mentioned first, as typing "@bot text" produces. */
  mention(channelId: string, text: string, options: SayOptions = {}): Promise<SayResult> {
    return this.say(channelId, `<@${this.deps.config.botUserId}> ${text}`, options);
  }

  /** `say` in the thread of `threadTs`. */
  reply(channelId: string, threadTs: string, text: string, options: Omit<SayOptions, 'threadTs'> = {}): Promise<SayResult> {
    return this.say(channelId, text, { ...options, threadTs });
  }

  /** Clicks the button with `actionId` in a message (or an ephemeral shown to this person). */
  async click(channelId: string, messageTs: string, actionId: string): Promise<ClickResult> {
    const { config, store, dispatcher } = this.deps;
    const { user, channel } = this.presence(channelId);
    const stored = store.find(channel.id, messageTs);
    const ephemeral = stored ? undefined : store.ephemeralsIn(channel.id, user.id).find((e) => e.ts === messageTs);
    const blocks = stored?.blocks ?? ephemeral?.blocks;
    if (!stored && !ephemeral) throw new Error(`slack emulator: no message ${messageTs} in ${channel.id}`);
    const found = findButton(blocks, actionId);
    if (!found) throw new Error(`slack emulator: no button with action_id "${actionId}" in message ${messageTs}`);
    const isEphemeral = stored === undefined;
    const responseUrl = this.deps.responses.issue({
      channel: channel.id,
      user: user.id,
      source: { ts: messageTs, ephemeral: isEphemeral },
    });
    const payload = blockActionsPayload(config, {
      channel,
      user,
      messageTs,
      isEphemeral,
      message: stored ? apiMessage(store, config, stored, { metadata: true }) : undefined,
      blockId: found.blockId,
      button: found.button,
      responseUrl,
      triggerId: this.deps.triggers.issue(user.id),
    });
    const delivery = await dispatcher.deliver('interactive', payload);
    return { ack: delivery.ackPayload, delivery };
  }

  /** Opens the app's Home tab: Slack sends `app_home_opened` (the app publishes the view in answer). */
  async openHome(): Promise<DeliveryRecord> {
    const { config, store, dispatcher } = this.deps;
    if (!store.users.has(this.id)) throw new Error(`slack emulator: unknown user ${this.id}; call emu.addUser first`);
    const eventId = newEventId();
    const event = {
      type: 'app_home_opened',
      user: this.id,
      channel: store.directMessage(this.id).id,
      tab: 'home',
      event_ts: `${(config.now() / 1000).toFixed(6)}`,
    };
    return dispatcher.deliver('events_api', eventCallback(config, event, eventId), eventId);
  }

  /** Clicks a button in this person's App Home: the one with `actionId` (and `value`, when several share it). */
  async clickHome(actionId: string, value?: string): Promise<ClickResult> {
    const { config, store, dispatcher } = this.deps;
    const home = store.homes.get(this.id);
    const user = store.users.get(this.id);
    if (!home || !user) throw new Error(`slack emulator: ${this.id} has no App Home published`);
    const blocks = z.array(z.looseObject({})).parse(home.view.blocks ?? []);
    const found = findButton(blocks, actionId, value);
    if (!found) throw new Error(`slack emulator: no button "${actionId}"${value ? ` with value "${value}"` : ''} in ${this.id}'s App Home`);
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: config.teamId },
      api_app_id: config.appId,
      token: VERIFICATION_TOKEN,
      container: { type: 'view', view_id: home.id },
      trigger_id: this.deps.triggers.issue(user.id),
      team: { id: config.teamId, domain: config.teamDomain },
      enterprise: null,
      is_enterprise_install: false,
      view: home.view,
      actions: [
        {
          type: 'button',
          action_id: actionId,
          block_id: found.blockId,
          text: found.button.text,
          ...(found.button.value !== undefined && { value: found.button.value }),
          action_ts: `${(config.now() / 1000).toFixed(6)}`,
        },
      ],
    };
    const delivery = await dispatcher.deliver('interactive', payload);
    return { ack: delivery.ackPayload, delivery };
  }

  /** Submits a modal opened for this person (views.open), with input values by block_id → action_id. */
  async submitView(viewId: string, values: Record<string, Record<string, string>>): Promise<ClickResult> {
    const { config, store, dispatcher } = this.deps;
    const user = store.users.get(this.id);
    if (!user) throw new Error(`slack emulator: unknown user ${this.id}; call emu.addUser first`);
    const opened = store.views.find((v) => v.id === viewId && v.user === this.id);
    if (!opened) throw new Error(`slack emulator: no view ${viewId} open for ${this.id}`);
    const payload = viewSubmissionPayload(config, { user, view: opened.view, values, triggerId: this.deps.triggers.issue(user.id) });
    const delivery = await dispatcher.deliver('interactive', payload);
    return { ack: delivery.ackPayload, delivery };
  }

  /** This person and the channel; public channels are joined on first use, as in Slack. */
  private presence(channelId: string): { user: User; channel: Channel } {
    const user = this.deps.store.users.get(this.id);
    if (!user) throw new Error(`slack emulator: unknown user ${this.id}; call emu.addUser first`);
    const channel = this.deps.store.channel(channelId);
    if (!channel) throw new Error(`slack emulator: unknown channel ${channelId}; call emu.addChannel first`);
    if (!channel.members.has(user.id)) {
      if (channel.isPrivate) throw new Error(`slack emulator: ${user.id} is not a member of private ${channel.id}`);
      channel.members.add(user.id);
    }
    return { user, channel };
  }
}
