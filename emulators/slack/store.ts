// The workspace: users, channels, messages (with threads, edits, reactions), ephemerals, files, views.
import { TsClock, compareTs, slackId } from './ids.ts';
import type { EphemeralMessage, JsonObject, Reaction, StoredFile, StoredMessage, StoredView } from './types.ts';

/** A workspace member. */
export interface User {
  id: string;
  name: string;
  realName: string;
  isBot: boolean;
}

/** A conversation; only public/private channels (no DMs, see SPEC non-goals). */
export interface Channel {
  id: string;
  name: string;
  isPrivate: boolean;
  members: Set<string>;
  /** Unix seconds. */
  created: number;
  /** A direct message between the app and one person (`D…`, opened by conversations.open). */
  isIm?: boolean;
}

/** Input of `emu.addUser`. */
export interface AddUserInput {
  id?: string;
  name: string;
  realName?: string;
  isBot?: boolean;
}

/** Input of `emu.addChannel`; the bot joins unless botIsMember is false. */
export interface AddChannelInput {
  id?: string;
  name: string;
  members?: string[];
  isPrivate?: boolean;
  botIsMember?: boolean;
}

/** Fields a new message may carry; the store fills channel, ts, team, edits, reactions. */
export type NewMessage = Omit<StoredMessage, 'type' | 'channel' | 'ts' | 'team' | 'edits' | 'reactions'>;

/** In-memory state of one workspace. */
export class Workspace {
  readonly users = new Map<string, User>();
  readonly channels = new Map<string, Channel>();
  readonly files = new Map<string, StoredFile>();
  readonly views: StoredView[] = [];
  /** Each person's App Home, as last published with views.publish. */
  readonly homes = new Map<string, StoredView>();
  readonly ephemerals: EphemeralMessage[] = [];
  private readonly messagesByChannel = new Map<string, StoredMessage[]>();
  private readonly clock: TsClock;

  constructor(
    private readonly teamId: string,
    private readonly botUserId: string,
    private readonly now: () => number,
  ) {
    this.clock = new TsClock(now);
  }

  /** A fresh unique message timestamp. */
  nextTs(): string {
    return this.clock.next();
  }

  addUser(input: AddUserInput): User {
    const id = input.id ?? slackId('U0', 9);
    const user: User = { id, name: input.name, realName: input.realName ?? input.name, isBot: input.isBot ?? false };
    this.users.set(id, user);
    return user;
  }

  addChannel(input: AddChannelInput): Channel {
    const id = input.id ?? slackId('C0', 9);
    const members = new Set(input.members ?? []);
    if (input.botIsMember ?? true) members.add(this.botUserId);
    const channel: Channel = {
      id,
      name: input.name.replace(/^#/, ''),
      isPrivate: input.isPrivate ?? false,
      members,
      created: Math.floor(this.now() / 1000),
    };
    this.channels.set(id, channel);
    this.messagesByChannel.set(id, []);
    return channel;
  }

  /** Finds a channel by id, or by name ("general" / "#general") as chat.postMessage allows. */
  /** The app's direct message with `userId`, opened on first use (as conversations.open does). */
  directMessage(userId: string): Channel {
    for (const c of this.channels.values()) if (c.isIm && c.members.has(userId)) return c;
    const channel = this.addChannel({ id: slackId('D0', 9), name: `dm-${userId}`, members: [userId], isPrivate: true });
    channel.isIm = true;
    return channel;
  }

  channel(idOrName: string): Channel | undefined {
    const byId = this.channels.get(idOrName);
    if (byId) return byId;
    const name = idOrName.replace(/^#/, '');
    for (const c of this.channels.values()) if (c.name === name) return c;
    return undefined;
  }

  isMember(channelId: string, userId: string): boolean {
    return this.channels.get(channelId)?.members.has(userId) ?? false;
  }

  /** Appends a message with a new ts; returns the stored object (mutable, owned by the store). */
  post(channelId: string, fields: NewMessage): StoredMessage {
    const list = this.list(channelId);
    const message: StoredMessage = {
      ...fields,
      type: 'message',
      channel: channelId,
      ts: this.nextTs(),
      team: this.teamId,
      edits: 0,
      reactions: [],
    };
    list.push(message);
    return message;
  }

  /** Any message (top-level or reply) in a channel. */
  find(channelId: string, ts: string): StoredMessage | undefined {
    return this.messagesByChannel.get(channelId)?.find((m) => m.ts === ts);
  }

  remove(channelId: string, ts: string): boolean {
    const list = this.messagesByChannel.get(channelId);
    const index = list?.findIndex((m) => m.ts === ts) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** Messages visible in the channel itself: roots and broadcast replies, oldest first. */
  topLevel(channelId: string): StoredMessage[] {
    return (this.messagesByChannel.get(channelId) ?? []).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts || m.subtype === 'thread_broadcast');
  }

  /** Replies of a thread (not the root), oldest first. */
  replies(channelId: string, threadTs: string): StoredMessage[] {
    return (this.messagesByChannel.get(channelId) ?? []).filter((m) => m.thread_ts === threadTs && m.ts !== threadTs);
  }

  /** Thread summary fields Slack puts on a root that has replies. */
  threadSummary(m: StoredMessage): JsonObject {
    if (m.thread_ts !== undefined && m.thread_ts !== m.ts) return { parent_user_id: this.rootUser(m) };
    const replies = this.replies(m.channel, m.ts);
    const last = replies.at(-1);
    if (!last) return {};
    const users = [...new Set(replies.map((r) => r.user))];
    return {
      thread_ts: m.ts,
      reply_count: replies.length,
      reply_users_count: users.length,
      reply_users: users,
      latest_reply: last.ts,
    };
  }

  addReaction(message: StoredMessage, name: string, userId: string): 'ok' | 'already_reacted' {
    const existing = message.reactions.find((r) => r.name === name);
    if (existing?.users.includes(userId)) return 'already_reacted';
    const reaction: Reaction = existing ?? { name, users: [], count: 0 };
    reaction.users.push(userId);
    reaction.count = reaction.users.length;
    if (!existing) message.reactions.push(reaction);
    return 'ok';
  }

  removeReaction(message: StoredMessage, name: string, userId: string): 'ok' | 'no_reaction' {
    const existing = message.reactions.find((r) => r.name === name);
    if (!existing?.users.includes(userId)) return 'no_reaction';
    existing.users = existing.users.filter((u) => u !== userId);
    existing.count = existing.users.length;
    if (existing.count === 0) message.reactions = message.reactions.filter((r) => r !== existing);
    return 'ok';
  }

  addEphemeral(fields: Omit<EphemeralMessage, 'ts'>): EphemeralMessage {
    const ephemeral: EphemeralMessage = { ...fields, ts: this.nextTs() };
    this.ephemerals.push(ephemeral);
    return ephemeral;
  }

  ephemeralsIn(channelId: string, userId?: string): EphemeralMessage[] {
    return this.ephemerals.filter((e) => e.channel === channelId && (userId === undefined || e.user === userId));
  }

  /** All messages of a channel sorted by ts (they are appended in ts order already). */
  all(channelId: string): StoredMessage[] {
    return [...(this.messagesByChannel.get(channelId) ?? [])].sort((a, b) => compareTs(a.ts, b.ts));
  }

  private rootUser(reply: StoredMessage): string | undefined {
    return reply.thread_ts === undefined ? undefined : this.find(reply.channel, reply.thread_ts)?.user;
  }

  private list(channelId: string): StoredMessage[] {
    const list = this.messagesByChannel.get(channelId);
    if (!list) throw new Error(`slack emulator: unknown channel ${channelId}`);
    return list;
  }
}
