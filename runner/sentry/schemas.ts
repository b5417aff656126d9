// Sentry's answers as the runner reads them: parsed, never cast. Unknown fields are ignored.
import { z } from 'zod';

/** One issue of the organization's issue stream (GET /api/0/organizations/{org}/issues/). */
export const sentryIssueSchema = z.object({
  id: z.string().regex(/^\d+$/),
  shortId: z.string(),
  title: z.string(),
  culprit: z.string().nullable().default(''),
  /** null unless the token may see it. */
  permalink: z.string().nullable().default(null),
  level: z.string(),
  status: z.string(),
  /** Events in the asked window, as a string. */
  count: z.string().regex(/^\d+$/),
  /** Users in the asked window. */
  userCount: z.number().int().min(0),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
  metadata: z.object({ type: z.string().nullish(), value: z.string().nullish() }).partial().default({}),
  project: z.object({ id: z.string(), slug: z.string() }),
  /** The window's numbers under the query's conditions, when it had some. */
  filtered: z.object({ count: z.string(), userCount: z.number() }).nullish(),
  lifetime: z.object({ count: z.string(), userCount: z.number() }).nullish(),
});
export type SentryIssue = z.infer<typeof sentryIssueSchema>;
export const sentryIssueListSchema = z.array(sentryIssueSchema);

const frameSchema = z.object({
  filename: z.string().nullish(),
  absPath: z.string().nullish(),
  function: z.string().nullish(),
  module: z.string().nullish(),
  lineNo: z.number().nullish(),
  colNo: z.number().nullish(),
  inApp: z.boolean().nullish(),
  context: z.array(z.tuple([z.number(), z.string().nullable()])).nullish(),
});
export type SentryFrame = z.infer<typeof frameSchema>;

const exceptionEntry = z.object({
  type: z.literal('exception'),
  data: z.object({
    values: z
      .array(
        z.object({
          type: z.string().nullish(),
          value: z.string().nullish(),
          stacktrace: z.object({ frames: z.array(frameSchema).nullish() }).nullish(),
        }),
      )
      .nullish(),
  }),
});

const breadcrumbSchema = z.object({
  timestamp: z.string().nullish(),
  category: z.string().nullish(),
  level: z.string().nullish(),
  message: z.string().nullish(),
  type: z.string().nullish(),
});
export type SentryBreadcrumb = z.infer<typeof breadcrumbSchema>;
const breadcrumbsEntry = z.object({ type: z.literal('breadcrumbs'), data: z.object({ values: z.array(breadcrumbSchema).nullish() }) });
/** Entries of other types (request, message, threads…) are kept by type only. */
const otherEntry = z.object({ type: z.string() }).transform((e) => ({ type: 'other' as const, name: e.type }));

/** GET /api/0/organizations/{org}/issues/{id}/events/latest/ */
export const sentryEventSchema = z.object({
  eventID: z.string(),
  dateCreated: z.string().nullish(),
  entries: z.array(z.union([exceptionEntry, breadcrumbsEntry, otherEntry])).default([]),
});
export type SentryEvent = z.infer<typeof sentryEventSchema>;

/** GET /api/0/organizations/{org}/projects/ */
export const sentryProjectListSchema = z.array(z.object({ id: z.string(), slug: z.string() }));

/** Sentry's error bodies. */
export const sentryErrorSchema = z.object({ detail: z.string() });
