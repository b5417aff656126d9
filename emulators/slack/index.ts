// The Slack emulator: a loopback Slack that the unmodified bolt app talks to, and the test's hands in it.
import { Dispatcher } from './deliveries.ts';
import { HttpLink } from './http-delivery.ts';
import type { HttpTarget } from './http-delivery.ts';
import { Person } from './person.ts';
import { TokenBuckets } from './rate-limit.ts';
import { ResponseUrls } from './response-url.ts';
import { startServer } from './server.ts';
import type { RunningServer } from './server.ts';
import { SocketLink } from './socket-mode.ts';
import type { DisconnectReason } from './socket-mode.ts';
import { Workspace } from './store.ts';
import type { AddChannelInput, AddUserInput, Channel, User } from './store.ts';
import { Timers } from './timers.ts';
import { Triggers } from './triggers.ts';
import type {
  ApiCallRecord,
  DeliveryRecord,
  EmulatorConfig,
  EphemeralMessage,
  InjectedFailure,
  MessageView,
  RateLimit,
  Reaction,
  SlackEmulatorOptions,
  StoredFile,
  StoredMessage,
  StoredView,
} from './types.ts';
import { receiveUpload } from './web-api-files.ts';
import { WebApi } from './web-api.ts';

export type * from './types.ts';
export type { AddChannelInput, AddUserInput, Channel, User } from './store.ts';
export type { ClickResult, SayOptions, SayResult, SlashResult } from './person.ts';
export type { DisconnectReason } from './socket-mode.ts';
export type { HttpTarget } from './http-delivery.ts';
export { Person } from './person.ts';

/** Options of `emu.waitFor`. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error. */
  message?: string;
}

function resolveConfig(opts: SlackEmulatorOptions): EmulatorConfig {
  return {
    botToken: opts.botToken ?? 'xoxb-1-emulator-bot-token',
    appToken: opts.appToken ?? 'xapp-1-A0DIRECTOR-1-emulator-app-token',
    signingSecret: opts.signingSecret ?? 'emulator-signing-secret',
    teamId: opts.teamId ?? 'T0DIRECTOR',
    teamDomain: opts.teamDomain ?? 'director-test',
    teamName: opts.teamName ?? 'Director Test',
    botUserId: opts.botUserId ?? 'U0BOT',
    botId: opts.botId ?? 'B0BOT',
    appId: opts.appId ?? 'A0DIRECTOR',
    botName: opts.botName ?? 'director',
    postMessageLimit: opts.postMessageLimit ?? { perSecond: 1, burst: 4 },
    ackTimeoutMs: opts.ackTimeoutMs ?? 3000,
    httpRetryDelaysMs: opts.httpRetryDelaysMs ?? [0, 60_000, 300_000],
    socketRetryDelaysMs: opts.socketRetryDelaysMs ?? [0, 60_000, 300_000],
    serverPingIntervalMs: opts.serverPingIntervalMs ?? 10_000,
    now: opts.now ?? Date.now,
  };
}

/** A running emulator. Create with `startSlackEmulator`. */
export class SlackEmulator {
  /** "http://127.0.0.1:PORT" */
  readonly url: string;
  /** "http://127.0.0.1:PORT/api/" — pass as `slackApiUrl`. */
  readonly apiUrl: string;
  private readonly server: RunningServer;
  private closed = false;

  private constructor(
    readonly config: EmulatorConfig,
    private readonly parts: {
      store: Workspace;
      timers: Timers;
      limiter: TokenBuckets;
      triggers: Triggers;
      socket: SocketLink;
      http: HttpLink;
      dispatcher: Dispatcher;
      api: WebApi;
      responses: ResponseUrls;
    },
    server: RunningServer,
  ) {
    this.server = server;
    this.url = `http://127.0.0.1:${server.port}`;
    this.apiUrl = `${this.url}/api/`;
  }

  /** Use `startSlackEmulator`. */
  static async start(opts: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
    const config = resolveConfig(opts);
    let baseUrl = '';
    const base = (): string => baseUrl;
    const timers = new Timers();
    const store = new Workspace(config.teamId, config.botUserId, config.now);
    store.addUser({ id: config.botUserId, name: config.botName, isBot: true });
    store.addUser({ id: 'USLACKBOT', name: 'slackbot', realName: 'Slackbot', isBot: false });
    const limiter = new TokenBuckets(config.postMessageLimit, config.now);
    const triggers = new Triggers(config.now);
    const socket = new SocketLink(config, timers);
    const http = new HttpLink(config, timers);
    const dispatcher = new Dispatcher(config, timers, socket, http);
    const responses = new ResponseUrls(store, config, base);
    const api = new WebApi({ config, store, limiter, triggers, baseUrl: base, issueTicket: () => socket.issueTicket() });
    const server = await startServer({
      api: (req) => api.handle(req),
      upload: (fileId, contentType, body) => receiveUpload(store, fileId, contentType, body),
      response: (id, body) => responses.handle(id, body),
      upgrade: (req, sock, head) => socket.handleUpgrade(req, sock, head),
    });
    baseUrl = `http://127.0.0.1:${server.port}`;
    const parts = { store, timers, limiter, triggers, socket, http, dispatcher, api, responses };
    return new SlackEmulator(config, parts, server);
  }

  /** The bot token (xoxb-) the app must use. */
  get botToken(): string {
    return this.config.botToken;
  }

  /** The app-level token (xapp-) for Socket Mode. */
  get appToken(): string {
    return this.config.appToken;
  }

  /** The default signing secret for HTTP mode. */
  get signingSecret(): string {
    return this.config.signingSecret;
  }

  /** The bot's user id (mention it as `<@U0BOT>`). */
  get botUserId(): string {
    return this.config.botUserId;
  }

  /** Adds a workspace member (id generated when omitted). */
  addUser(input: AddUserInput): User {
    return this.parts.store.addUser(input);
  }

  /** Adds a channel; the bot is a member unless botIsMember is false. */
  addChannel(input: AddChannelInput): Channel {
    return this.parts.store.addChannel(input);
  }

  /** Act as a workspace member (added with addUser). */
  person(userId: string): Person {
    const { store, dispatcher, triggers, responses } = this.parts;
    return new Person(userId, { config: this.config, store, dispatcher, triggers, responses });
  }

  /** Messages shown in the channel (roots and broadcast replies), oldest first, with reply counts. */
  messages(channel: string): MessageView[] {
    const { store } = this.parts;
    const id = store.channel(channel)?.id ?? channel;
    return store.topLevel(id).map((m) => ({ ...m, replies: store.replies(id, m.ts).length }));
  }

  /** A thread: root first, then replies oldest first (empty if the root doesn't exist). */
  thread(channel: string, threadTs: string): StoredMessage[] {
    const { store } = this.parts;
    const id = store.channel(channel)?.id ?? channel;
    const root = store.find(id, threadTs);
    return root ? [root, ...store.replies(id, root.ts)] : [];
  }

  /** The app's direct message with a person (what they see under the app's Messages tab), once the app opened it. */
  directMessages(userId: string): MessageView[] {
    const im = [...this.parts.store.channels.values()].find((c) => c.isIm && c.members.has(userId));
    return im ? this.messages(im.id) : [];
  }

  /** Ephemerals in a channel, optionally only those shown to one person. */
  ephemerals(channel: string, userId?: string): EphemeralMessage[] {
    const { store } = this.parts;
    return store.ephemeralsIn(store.channel(channel)?.id ?? channel, userId);
  }

  /** Reactions on a message (top-level or reply). */
  reactions(channel: string, ts: string): Reaction[] {
    const { store } = this.parts;
    return store.find(store.channel(channel)?.id ?? channel, ts)?.reactions ?? [];
  }

  /** Every Web API call, in arrival order. */
  get apiCalls(): readonly ApiCallRecord[] {
    return this.parts.api.calls;
  }

  /** Every delivery attempt to the bot, both modes. */
  get deliveries(): readonly DeliveryRecord[] {
    return this.parts.dispatcher.records;
  }

  /** Currently open Socket Mode connections. */
  get socketConnections(): number {
    return this.parts.socket.connections;
  }

  /** A person's App Home as last published (views.publish), or undefined. */
  home(userId: string): StoredView | undefined {
    return this.parts.store.homes.get(userId);
  }

  /** Modals opened with views.open. */
  get views(): readonly StoredView[] {
    return this.parts.store.views;
  }

  /** An uploaded file, bytes included. */
  file(fileId: string): StoredFile | undefined {
    return this.parts.store.files.get(fileId);
  }

  /** The payload of a delivered event (by event_id). */
  event(eventId: string): Record<string, unknown> | undefined {
    return this.parts.dispatcher.event(eventId);
  }

  /** Makes the next call of `method` fail once (queue several by calling again). */
  failNext(method: string, failure: InjectedFailure): void {
    this.parts.api.failNext(method, failure);
  }

  /** Changes chat.postMessage's per-channel budget from now on (buckets restart full). */
  setPostMessageLimit(limit: RateLimit): void {
    this.parts.limiter.setLimit(limit);
  }

  /** Asks every Socket Mode client to reconnect; resolves when their old sockets are closed. */
  disconnectSocket(reason: DisconnectReason = 'refresh_requested'): Promise<void> {
    return this.parts.socket.disconnect(reason);
  }

  /** Switches delivery to signed HTTP POSTs to `requestUrl`. */
  useHttp(target: HttpTarget): void {
    this.parts.http.configure(target);
    this.parts.dispatcher.setMode('http');
  }

  /** Switches delivery back to Socket Mode (the default). */
  useSocketMode(): void {
    this.parts.dispatcher.setMode('socket');
  }

  /** HTTP mode: Slack's url_verification handshake; true when the app echoed the challenge. */
  verifyUrl(challenge = 'emulator-challenge'): Promise<boolean> {
    return this.parts.http.verifyUrl(challenge);
  }

  /** Sends a delivered event again `times` times with retry headers / retry_attempt 1..times. */
  redeliverEvent(eventId: string, times = 1): Promise<DeliveryRecord[]> {
    return this.parts.dispatcher.redeliver(eventId, times);
  }

  /** Polls until fn returns something truthy and returns it; throws after timeoutMs. */
  async waitFor<T>(fn: () => T | Promise<T>, opts: WaitOptions = {}): Promise<NonNullable<T>> {
    const timeoutMs = opts.timeoutMs ?? 5000;
    const intervalMs = opts.intervalMs ?? 20;
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await fn();
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() >= deadline) {
        const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`slack emulator: waitFor timed out after ${timeoutMs} ms: ${opts.message ?? fn.toString()}${why}`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Closes sockets, server and timers; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { timers, socket, http } = this.parts;
    timers.close();
    socket.close();
    http.close();
    await this.server.close();
  }
}

/** Starts an emulator on 127.0.0.1 with an OS-assigned port. */
export function startSlackEmulator(opts: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  return SlackEmulator.start(opts);
}
