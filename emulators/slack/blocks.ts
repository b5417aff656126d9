// Block Kit validation with zod, answering in Slack's words: "<what> [json-pointer:/blocks/0/text/text]".
import { z } from 'zod';
import { slackId } from './ids.ts';
import type { JsonObject } from './types.ts';

const lessThan = (max: number): string => `must be less than ${max + 1} characters`;
const NON_EMPTY = 'must be more than 0 characters';
const atMost = (max: number): string => `no more than ${max} items allowed`;
const AT_LEAST_ONE = 'no less than 1 items allowed';

/** Most blocks a message may hold. */
export const MAX_MESSAGE_BLOCKS = 50;
/** Most blocks a modal or Home tab may hold. */
export const MAX_VIEW_BLOCKS = 100;
/** Cumulative text Slack accepts across one message's blocks (bolt-js #2509: ~13k). */
export const MAX_CUMULATIVE_TEXT = 13_000;

const str = (max: number) => z.string().min(1, NON_EMPTY).max(max, lessThan(max));
const plainText = (max: number) => z.object({ type: z.literal('plain_text'), text: str(max), emoji: z.boolean().optional() });
const textObject = (max: number) =>
  z.object({
    type: z.enum(['plain_text', 'mrkdwn']),
    text: str(max),
    emoji: z.boolean().optional(),
    verbatim: z.boolean().optional(),
  });
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).min(1, AT_LEAST_ONE).max(max, atMost(max));

const button = z.object({
  type: z.literal('button'),
  text: plainText(75),
  action_id: str(255).optional(),
  value: str(2000).optional(),
  style: z.enum(['primary', 'danger']).optional(),
  url: str(3000).optional(),
  accessibility_label: str(75).optional(),
  confirm: z.looseObject({}).optional(),
});

/** Interactive elements: buttons are checked strictly, other element types loosely. */
const element = z.looseObject({ type: z.string().min(1, NON_EMPTY), action_id: str(255).optional() }).superRefine((value, ctx) => {
  if (value.type !== 'button') return;
  const parsed = button.safeParse(value, { error: slackMessage });
  if (parsed.success) return;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.map(pathKey), input: value });
  }
});

const contextElement = z.looseObject({ type: z.enum(['image', 'plain_text', 'mrkdwn']) }).superRefine((value, ctx) => {
  if (value.type === 'image') return;
  const parsed = textObject(3000).safeParse(value, { error: slackMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.map(pathKey), input: value });
    }
  }
});

const blockId = { block_id: str(255).optional() };

const section = z
  .object({
    type: z.literal('section'),
    ...blockId,
    text: textObject(3000).optional(),
    fields: z.array(textObject(2000)).max(10, atMost(10)).optional(),
    accessory: element.optional(),
    expand: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.text === undefined && value.fields === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must define either `text` or `fields`', path: ['type'], input: value });
    }
  });

const image = z
  .object({
    type: z.literal('image'),
    ...blockId,
    image_url: str(3000).optional(),
    slack_file: z.looseObject({}).optional(),
    alt_text: str(2000),
    title: plainText(2000).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.image_url === undefined && value.slack_file === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must provide either `image_url` or `slack_file`', path: [], input: value });
    }
  });

const loose = (type: string) => z.looseObject({ type: z.literal(type), ...blockId });

/** Schemas by block type; the last few are accepted loosely (SPEC). */
const BLOCK_SCHEMAS: Record<string, z.ZodType> = {
  section,
  divider: z.object({ type: z.literal('divider'), ...blockId }),
  header: z.object({ type: z.literal('header'), ...blockId, text: plainText(150) }),
  context: z.object({ type: z.literal('context'), ...blockId, elements: list(contextElement, 10) }),
  actions: z.object({ type: z.literal('actions'), ...blockId, elements: list(element, 25) }),
  image,
  rich_text: z.object({ type: z.literal('rich_text'), ...blockId, elements: z.array(z.looseObject({ type: z.string() })) }),
  markdown: z.object({ type: z.literal('markdown'), ...blockId, text: str(12_000) }),
  input: z.object({
    type: z.literal('input'),
    ...blockId,
    label: plainText(2000),
    element: z.looseObject({ type: z.string().min(1, NON_EMPTY) }),
    hint: plainText(2000).optional(),
    optional: z.boolean().optional(),
    dispatch_action: z.boolean().optional(),
  }),
  file: z.object({ type: z.literal('file'), ...blockId, external_id: str(255), source: z.string() }),
  video: loose('video'),
  context_actions: loose('context_actions'),
  table: loose('table'),
};

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

/** Zod's per-parse error map, phrased the way Slack phrases block errors. */
function slackMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'missing required field';
    return issue.expected === 'object' ? 'must provide an object' : `must provide a ${issue.expected}`;
  }
  if (issue.code === 'invalid_value') return 'must be a valid enum value';
  return undefined;
}

/** RFC 6901 pointer of a zod path under a prefix like "/blocks/3". */
function pointer(prefix: string, path: readonly PropertyKey[]): string {
  return prefix + path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function issueText(prefix: string, issue: z.core.$ZodIssue): string {
  if (issue.message === 'missing required field') {
    const field = String(issue.path.at(-1) ?? '');
    return `missing required field: ${field} [json-pointer:${pointer(prefix, issue.path.slice(0, -1))}]`;
  }
  return `${issue.message} [json-pointer:${pointer(prefix, issue.path)}]`;
}

/** Errors ("<what> [json-pointer:…]") for a block list; empty when valid. */
export function blockListErrors(blocks: unknown[], prefix: string, max: number): string[] {
  if (blocks.length > max) return [`${atMost(max)} [json-pointer:${prefix}]`];
  const errors: string[] = [];
  const seenIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `${prefix}/${i}`;
    const head = z.looseObject({ type: z.string(), block_id: z.unknown().optional() }).safeParse(block, { error: slackMessage });
    if (!head.success) {
      errors.push(...head.error.issues.map((issue) => issueText(at, issue)));
      return;
    }
    const schema = BLOCK_SCHEMAS[head.data.type];
    if (!schema) {
      errors.push(`unsupported type: ${head.data.type} [json-pointer:${at}/type]`);
      return;
    }
    const parsed = schema.safeParse(block, { error: slackMessage });
    if (!parsed.success) errors.push(...parsed.error.issues.map((issue) => issueText(at, issue)));
    const id = head.data.block_id;
    if (typeof id === 'string') {
      if (seenIds.has(id)) errors.push(`duplicate block_id [json-pointer:${at}/block_id]`);
      seenIds.add(id);
    }
  });
  return errors;
}

/** Sum of every `text` string inside the blocks: what Slack's cumulative limit counts. */
export function cumulativeText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce<number>((sum, v) => sum + cumulativeText(v), 0);
  if (typeof value !== 'object' || value === null) return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value)) {
    sum += key === 'text' && typeof v === 'string' ? v.length : cumulativeText(v);
  }
  return sum;
}

/** Slack's `invalid_blocks` response body for a list of errors. */
export function invalidBlocksBody(errors: string[], error = 'invalid_blocks'): JsonObject {
  return { ok: false, error, errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

/** Result of checking a message's `blocks` argument. */
export type BlocksCheck = { ok: true; blocks: JsonObject[] | undefined } | { ok: false; body: JsonObject };

const BlockArray = z.array(z.looseObject({}));

/** Checks `blocks` as chat.* receives it: absent, a JSON string (form encoding) or an array (JSON body). */
export function checkMessageBlocks(raw: unknown): BlocksCheck {
  if (raw === undefined || raw === '') return { ok: true, blocks: undefined };
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, body: { ok: false, error: 'invalid_blocks_format' } };
    }
  }
  if (!Array.isArray(value)) return { ok: false, body: { ok: false, error: 'invalid_blocks_format' } };
  const errors = blockListErrors(value, '/blocks', MAX_MESSAGE_BLOCKS);
  if (errors.length > 0) return { ok: false, body: invalidBlocksBody(errors) };
  if (cumulativeText(value) > MAX_CUMULATIVE_TEXT) return { ok: false, body: { ok: false, error: 'msg_blocks_too_long' } };
  const parsed = BlockArray.safeParse(value);
  if (!parsed.success) return { ok: false, body: { ok: false, error: 'invalid_blocks_format' } };
  if (parsed.data.length === 0) return { ok: true, blocks: undefined };
  // Slack fills in a block_id for every block that has none; clicks report it back.
  return { ok: true, blocks: parsed.data.map((b) => (b.block_id === undefined ? { ...b, block_id: slackId('', 5) } : b)) };
}

const ModalShape = z.looseObject({
  type: z.literal('modal'),
  title: plainText(24),
  blocks: z.array(z.unknown()),
  submit: plainText(24).optional(),
  close: plainText(24).optional(),
  callback_id: str(255).optional(),
  private_metadata: z.string().max(3000, lessThan(3000)).optional(),
  external_id: str(255).optional(),
});

/** An App Home view (views.publish): no title or buttons of its own; up to 100 blocks. */
const HomeShape = z.looseObject({
  type: z.literal('home'),
  blocks: z.array(z.unknown()),
  callback_id: str(255).optional(),
  private_metadata: z.string().max(3000, lessThan(3000)).optional(),
  external_id: str(255).optional(),
});

/** Checks a `views.publish` view: type home, valid blocks. */
export function checkHomeView(raw: unknown): ViewCheck {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, body: viewErrorBody(['invalid view JSON [json-pointer:/view]']) };
    }
  }
  const parsed = HomeShape.safeParse(value, { error: slackMessage });
  if (!parsed.success) return { ok: false, body: viewErrorBody(parsed.error.issues.map((issue) => issueText('/view', issue))) };
  const errors = blockListErrors(parsed.data.blocks, '/view/blocks', MAX_VIEW_BLOCKS);
  if (errors.length > 0) return { ok: false, body: viewErrorBody(errors) };
  return { ok: true, view: parsed.data };
}

/** Result of checking a `view` argument (views.open and friends). */
export type ViewCheck = { ok: true; view: JsonObject } | { ok: false; body: JsonObject };

/** Validates a view; Slack answers bad views with invalid_arguments and pointer messages under /view. */
export function checkView(raw: unknown): ViewCheck {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, body: viewErrorBody(['invalid view JSON [json-pointer:/view]']) };
    }
  }
  const parsed = ModalShape.safeParse(value, { error: slackMessage });
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => issueText('/view', issue));
    return { ok: false, body: viewErrorBody(errors) };
  }
  const errors = blockListErrors(parsed.data.blocks, '/view/blocks', MAX_VIEW_BLOCKS);
  if (errors.length > 0) return { ok: false, body: viewErrorBody(errors) };
  return { ok: true, view: parsed.data };
}

function viewErrorBody(errors: string[]): JsonObject {
  return { ok: false, error: 'invalid_arguments', response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}
