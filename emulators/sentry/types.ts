// The Sentry emulator's records and options (see SPEC.md for what it covers).

/** One event of an issue, as the store keeps it: when and for whom. */
export interface EventRecord {
  id: string;
  /** ms since epoch */
  at: number;
  user: string;
}

/** A stack frame of the latest event. */
export interface FrameInput {
  filename: string;
  function: string;
  lineNo: number;
  /** Source lines around the frame: [lineNo, text]. */
  context?: [number, string][];
  inApp?: boolean;
}

/** A breadcrumb of the latest event. */
export interface BreadcrumbInput {
  category: string;
  message: string;
  level?: string;
  type?: string;
  /** ms since epoch; defaults to the event's time. */
  at?: number;
}

/** What a test gives to add an issue. */
export interface AddIssueInput {
  /** The project's slug. */
  project: string;
  title: string;
  culprit: string;
  level?: 'fatal' | 'error' | 'warning' | 'info' | 'debug';
  status?: 'unresolved' | 'resolved' | 'ignored';
  /** Exception type and value for the latest event and metadata. */
  exception?: { type: string; value: string };
  frames?: FrameInput[];
  breadcrumbs?: BreadcrumbInput[];
  /** Events to create: `count` events, spread over `users` distinct users, `ago` ms before now (default: the last hour). */
  events?: { count: number; users: number; agoMs?: number }[];
}

export interface IssueRecord {
  id: string;
  shortId: string;
  project: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  exception: { type: string; value: string };
  frames: FrameInput[];
  breadcrumbs: BreadcrumbInput[];
  events: EventRecord[];
}

/** An access token and what it may do. */
export interface TokenRecord {
  token: string;
  scopes: string[];
}

export interface SentryEmulatorOptions {
  /** The organization's slug (default `acme`). */
  org?: string;
  /** Projects by slug (default one, `web`). */
  projects?: string[];
  /** The emulator's clock (default Date.now): windows are computed from it. */
  now?: () => number;
  /** Largest page (Sentry's own maximum is 100). */
  maxPerPage?: number;
}

/** A request the emulator answered, for tests. */
export interface SentryRequestRecord {
  method: string;
  path: string;
  query: string;
  status: number;
  authorization: string | undefined;
}
