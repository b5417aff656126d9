/**
 * Escapes untrusted text for Slack mrkdwn: `&`, `<` and `>` as Slack requires, so a person's text
 * cannot turn into a mention (`<!channel>`) or a link, and backticks so it cannot break out of code.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, "'");
}

/** Escapes only what Slack parses as mentions and links (`&`, `<`, `>`), keeping code formatting. */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
