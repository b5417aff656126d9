/**
 * Cutting and escaping text, for both sides. Every cut lands on a grapheme boundary (an emoji, a
 * flag or an accented letter stays whole); Slack cuts also keep links, entities and code fences whole.
 */

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
/** Longer than any grapheme cluster worth keeping whole (a ZWJ family emoji is 11 units). */
const CLUSTER_WINDOW = 64;

/** The largest grapheme boundary at or before `index` (a UTF-16 offset into `text`). */
export function boundaryBefore(text: string, index: number): number {
  if (index >= text.length) return text.length;
  if (index <= 0) return 0;
  const start = Math.max(0, index - CLUSTER_WINDOW);
  let boundary = start;
  for (const { index: at } of graphemes.segment(text.slice(start, Math.min(text.length, index + CLUSTER_WINDOW)))) {
    if (start + at > index) break;
    boundary = start + at;
  }
  return boundary;
}

/** The first `max` UTF-16 units of `text`, fewer where the cut would split a grapheme. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, boundaryBefore(text, max));
}

/** `text` in at most `max` characters, marked with "…" when cut. */
export const shorten = (text: string, max: number): string => (text.length > max ? `${clip(text, max - 1)}…` : text);

/** All of `text` on one line (whitespace collapsed), in at most `max` characters. */
export const oneLine = (text: string, max: number): string => shorten(text.replace(/\s+/g, ' ').trim(), max);

/** The first line of `text`, in at most `max` characters. */
export const firstLine = (text: string, max = 200): string => shorten(text.trim().split('\n')[0] ?? '', max);

/** The end of `text` in at most `max` characters, marked with a leading "…" when cut: the part of long output that usually says what failed. */
export function tail(text: string, max: number): string {
  if (text.length <= max) return text;
  const from = text.length - max + 1;
  const start = boundaryBefore(text, from) === from ? from : nextBoundary(text, from);
  return `…${text.slice(start)}`;
}

function nextBoundary(text: string, index: number): number {
  for (const { index: at } of graphemes.segment(text.slice(index, index + CLUSTER_WINDOW))) if (at > 0) return index + at;
  return Math.min(text.length, index + CLUSTER_WINDOW);
}

/** The UTF-8 length of `text`, what byte budgets count. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const utf8 = utf8Bytes;

/** `text` in at most `max` UTF-8 bytes, on a grapheme boundary, marked with "…" when cut. */
export function cutBytes(text: string, max: number): string {
  if (utf8(text) <= max) return text;
  let used = utf8('…');
  let index = 0;
  for (const ch of text) {
    used += utf8(ch);
    if (used > max) break;
    index += ch.length;
  }
  return `${text.slice(0, boundaryBefore(text, index))}…`;
}

// ---------------------------------------------------------------------------------------------
// Slack mrkdwn

/**
 * Escapes untrusted text for Slack mrkdwn: `&`, `<` and `>` as Slack requires, so a person's text
 * cannot turn into a mention (`<!channel>`) or a link, and backticks so it cannot break out of code.
 */
export function escapeMrkdwn(text: string): string {
  return escapeEntities(text).replace(/`/g, "'");
}

/** Escapes only what Slack parses as mentions and links (`&`, `<`, `>`), keeping code formatting. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A Slack link `<url|label>` to an http(s) URL, or the label alone when `url` is anything else. The
 * URL's `|`, `<`, `>` and `&` are encoded so nothing can close the link early; the label is escaped.
 */
export function slackLink(url: string | null | undefined, label: string): string {
  const shown = escapeMrkdwn(label);
  if (!url || url.length > 2000) return shown;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return shown;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return shown;
  const safe = parsed.href.replace(/[|<>&\s]/g, (ch) => encodeURIComponent(ch));
  return `<${safe}|${shown}>`;
}

/** Slack's section text limit (3,000) with room to spare. */
export const SLACK_SECTION_MAX = 2900;
const CUT_NOTE = '… _(cut to fit Slack)_';
const FENCE = '```';

/**
 * Cuts mrkdwn to Slack's limits with a note, rather than having Slack reject the message. Never
 * splits a grapheme, a `<url|label>` link or mention, an `&amp;` entity or a backtick run, and
 * closes a code fence the cut left open.
 */
export function cutMrkdwn(text: string, max = SLACK_SECTION_MAX): string {
  if (text.length <= max) return text;
  let end = boundaryBefore(text, max - CUT_NOTE.length - FENCE.length - 1);
  const head = text.slice(0, end);
  const openLink = head.lastIndexOf('<');
  if (openLink > head.lastIndexOf('>')) end = openLink;
  const entity = /&[#a-zA-Z0-9]{0,8}$/.exec(text.slice(0, end));
  if (entity) end = entity.index;
  while (end > 0 && text[end - 1] === '`') end--;
  const kept = text.slice(0, end);
  const fences = kept.split(FENCE).length - 1;
  return `${kept}${fences % 2 === 1 ? `\n${FENCE}` : ''}${CUT_NOTE}`;
}
