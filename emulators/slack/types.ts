// Shared shapes of the Slack emulator: options, the resolved identity, and what tests read back.

/** A parsed JSON object; blocks, views and payloads are kept in this loose form. */
export type JsonObject = { [key: string]: unknown };

/** chat.postMessage budget per channel: Slack allows about 1/s with short bursts. */
export interface RateLimit {
  /** Tokens added back per second. */
  perSecond: number;
  /** Bucket size: how many posts may go out back to back. */
  burst: number;
}

/** What a test may override; every field has Slack-like defaults (see SPEC.md). */
export interface SlackEmulatorOptions {
  botToken?: string;
  appToken?: string;
  signingSecret?: string;
  teamId?: string;
  /** Workspace subdomain, used in auth.test's url and permalinks. */
  teamDomain?: string;
  /** Workspace display name returned by auth.test. */
  teamName?: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  /** The bot user's handle (users.info name, auth.test user). */
  botName?: string;
  postMessageLimit?: RateLimit;
  /** Slack's ack deadline (3 s) in both delivery modes. */
  ackTimeoutMs?: number;
  /** Delays before HTTP event retries 1..n (Slack: immediately, 1 min, 5 min). */
  httpRetryDelaysMs?: number[];
  /** Delays before Socket Mode event redeliveries 1..n. */
  socketRetryDelaysMs?: number[];
  /** How often the server pings each Socket Mode connection (client gives up after 30 s without one). */
  serverPingIntervalMs?: number;
  /** Clock (ms) for message timestamps, rate limits and expiries (request signatures use real time). */
  now?: () => number;
}

/** Options with defaults applied; read by every module. */
export interface EmulatorConfig {
  botToken: string;
  appToken: string;
  signingSecret: string;
  teamId: string;
  teamDomain: string;
  teamName: string;
  botUserId: string;
  botId: string;
  appId: string;
  botName: string;
  postMessageLimit: RateLimit;
  ackTimeoutMs: number;
  httpRetryDelaysMs: number[];
  socketRetryDelaysMs: number[];
  serverPingIntervalMs: number;
  now: () => number;
}

/** Which token a Web API call carried, so tests can tell bot calls from socket-mode plumbing. */
export type TokenKind = 'bot' | 'app' | 'none' | 'invalid';

/** One Web API request as the emulator saw it. */
export interface ApiCallRecord {
  method: string;
  /** Arguments with JSON-string fields (blocks, metadata, view, files…) decoded; token removed. */
  params: JsonObject;
  tokenKind: TokenKind;
  /** Wall-clock ms (the `now` option). */
  at: number;
  /** HTTP status the emulator answered with (0 when the response was dropped). */
  status: number;
  ok: boolean;
  error?: string;
  /** Set when the call was hit by `failNext`. */
  injected?: string;
}

/** How `failNext` makes the next call of a method fail. */
export type InjectedFailure = 'drop-response' | 'http-500' | 'ratelimited' | { error: string };

/** The three kinds of payload Slack pushes to an app. */
export type DeliveryKind = 'events_api' | 'slash_commands' | 'interactive';

/** Result of one delivery attempt to the bot. */
export type DeliveryStatus = 'acked' | 'rejected' | 'timeout';

/** One attempt to deliver something to the bot (retries are separate records). */
export interface DeliveryRecord {
  mode: 'socket' | 'http';
  kind: DeliveryKind;
  eventId?: string;
  envelopeId?: string;
  /** 0 for the first attempt, n for Slack's nth retry. */
  retryNum: number;
  retryReason?: string;
  status: DeliveryStatus;
  httpStatus?: number;
  /** Socket Mode ack `payload`, or the HTTP response body (JSON-parsed when possible). */
  ackPayload?: unknown;
  at: number;
}

/** An emoji reaction on a message, as conversations.history shows it. */
export interface Reaction {
  name: string;
  users: string[];
  count: number;
}

/** Message metadata (`event_type` + `event_payload`), only returned when asked for. */
export interface MessageMetadata {
  event_type: string;
  event_payload: JsonObject;
}

/** File summary attached to a message or returned by files.completeUploadExternal. */
export interface FileSummary {
  id: string;
  name: string;
  title: string;
  size: number;
  mimetype: string;
}

/** A message in the workspace, in Slack's field names so tests read it like the API. */
export interface StoredMessage {
  type: 'message';
  subtype?: string;
  channel: string;
  ts: string;
  user: string;
  bot_id?: string;
  app_id?: string;
  team: string;
  text: string;
  blocks?: JsonObject[];
  thread_ts?: string;
  edited?: { user: string; ts: string };
  /** How many times chat.update (or a response_url replace) changed it. */
  edits: number;
  reactions: Reaction[];
  metadata?: MessageMetadata;
  files?: FileSummary[];
  client_msg_id?: string;
}

/** A top-level message as `emu.messages()` returns it. */
export type MessageView = StoredMessage & { replies: number };

/** Where an ephemeral message came from, for assertions. */
export type EphemeralSource = 'chat.postEphemeral' | 'ack' | 'response_url' | 'slack_error';

/** A message only one person sees. */
export interface EphemeralMessage {
  channel: string;
  /** The person who sees it. */
  user: string;
  ts: string;
  text: string;
  blocks?: JsonObject[];
  thread_ts?: string;
  /** Who sent it: the bot, or USLACKBOT for Slack's own error notices. */
  from: string;
  source: EphemeralSource;
}

/** An uploaded (or announced) file. */
export interface StoredFile extends FileSummary {
  bytes?: Buffer;
  altText?: string;
  /** Length announced in files.getUploadURLExternal. */
  declaredLength: number;
}

/** A modal opened with views.open. */
export interface StoredView {
  id: string;
  user: string;
  view: JsonObject;
  at: number;
}
