import { z } from 'zod';
import type { SlackEmulator } from '../emulators/slack/index.ts';

const users: Record<string, string> = { U0BOT: 'director', U0ALICE: 'alice', U0BOB: 'bob' };

/** Slack mrkdwn made readable in a terminal. */
export function plain(text: string): string {
  return text
    .replace(/<!date\^\d+\^\{ago\}\|([^>]+)>/g, 'at $1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<@([A-Z0-9]+)>/g, (_m, id: string) => `@${users[id] ?? id}`)
    .replace(
      /:([a-z_]+):/g,
      (_m, name: string) =>
        ({
          white_check_mark: '✅',
          x: '❌',
          eyes: '👀',
          runner: '🏃',
          test_tube: '🧪',
          zzz: '💤',
          outbox_tray: '📤',
          hourglass_flowing_sand: '⏳',
          hammer_and_wrench: '🛠',
          link: '🔗',
          black_square_for_stop: '⏹',
          large_green_circle: '🟢',
          thought_balloon: '💭',
          ballot_box_with_check: '☑',
          white_square: '☐',
          hourglass: '⌛',
          double_vertical_bar: '⏸',
          warning: '⚠️',
          tada: '🎉',
          rocket: '🚀',
        })[name] ?? `:${name}:`,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const sections = z.array(
  z.looseObject({
    type: z.string(),
    text: z.looseObject({ text: z.string() }).optional(),
    elements: z.array(z.looseObject({ text: z.unknown() })).optional(),
  }),
);

/** A card's section and context texts (what a person reads), or the message's plain text. */
function cardText(message: { text?: string; blocks?: unknown }): string {
  const parsed = sections.safeParse(message.blocks);
  const texts = parsed.success
    ? parsed.data.flatMap((b) => {
        if ((b.type === 'section' || b.type === 'header') && b.text) return [b.text.text];
        if (b.type === 'context') return (b.elements ?? []).flatMap((e) => (typeof e.text === 'string' ? [e.text] : []));
        return [];
      })
    : [];
  return texts.length > 0 ? texts.join('\n') : (message.text ?? '');
}

/** The channel as a person sees it: messages in order, each thread's replies indented under it. */
export function transcript(slack: SlackEmulator, channel: string): string {
  const lines: string[] = [];
  for (const message of slack.messages(channel)) {
    const who = users[message.user ?? ''] ?? message.user ?? 'someone';
    lines.push(
      `${who}:`,
      ...plain(cardText(message))
        .split('\n')
        .map((l) => `  ${l}`),
    );
    for (const reply of slack.thread(channel, message.ts).slice(1)) {
      const by = users[reply.user ?? ''] ?? reply.user ?? 'someone';
      const reactions = slack
        .reactions(channel, reply.ts)
        .map((r) => plain(`:${r.name}:`))
        .join(' ');
      // An uploaded file (the report's chart) shows as its name, type and size.
      const files = (reply.files ?? []).map((f) => `📎 ${f.title} (${f.name}, ${f.mimetype}, ${Math.round(f.size / 1024)} KB)`).join(' ');
      lines.push(
        `    ↳ ${by}: ${files}${plain(reply.text ?? '')
          .split('\n')
          .join('\n      ')}${reactions ? `  ${reactions}` : ''}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
