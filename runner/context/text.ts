/** Cutting text to a length without splitting a character. */

/** The first `max` UTF-16 units of `text`, one fewer where the cut would split a surrogate pair (an emoji). */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

/** `text` in at most `max` characters, marked with "…" when cut. */
export const shorten = (text: string, max: number): string => (text.length > max ? `${clip(text, max - 1)}…` : text);

/** All of `text` on one line (whitespace collapsed), in at most `max` characters. */
export const oneLine = (text: string, max: number): string => shorten(text.replace(/\s+/g, ' ').trim(), max);

/** The first line of `text`, in at most `max` characters. */
export const firstLine = (text: string, max = 200): string => shorten(text.trim().split('\n')[0] ?? '', max);
