// The report as one Block Kit message: per feature numbers, trend, goal, variants; movers; Director's own week; buttons.
import type { FeatureNumbers, ReportFeature } from '../../shared/report-frames.ts';
import { cutMrkdwn, escapeMrkdwn, shorten } from '../../shared/text.ts';
import type { MessageBody } from '../store/slack-messages.ts';
import type { KeptResult } from './store.ts';

export const INVESTIGATE_ACTION = 'report_investigate';
export const OPEN_ACTION = 'report_open';

/** What Director itself did in the week, from its records. */
export interface DirectorWeek {
  tasks: number;
  opened: number;
  merged: number;
  medianToPrMs: number | undefined;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const users = (n: number) => `${fmt(n)} user${n === 1 ? '' : 's'}`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const BARS = '▁▂▃▄▅▆▇█';

/** Week-over-week change in percent (undefined when last week had none). */
export function change(feature: FeatureNumbers): number | undefined {
  const weeks = feature.weeks ?? [];
  const [last, now] = [weeks.at(-2)?.users, weeks.at(-1)?.users];
  if (last === undefined || now === undefined || last === 0) return undefined;
  return Math.round(((now - last) / last) * 100);
}

export function sparkline(values: number[]): string {
  const max = Math.max(...values, 0);
  return values.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(7, Math.floor((v / max) * 7.999))])).join('');
}

/** Should this feature get an "Investigate" button: it missed its goal or fell week over week. */
export function needsLook(feature: FeatureNumbers, goal: number | undefined): boolean {
  const users = feature.weeks?.at(-1)?.users;
  if (users === undefined) return false;
  return (goal !== undefined && users < goal) || (change(feature) ?? 0) < 0;
}

function featureText(f: FeatureNumbers, config: ReportFeature | undefined): string {
  const name = `*${escapeMrkdwn(f.name)}*`;
  if (!f.weeks) return `${name} — no numbers: ${escapeMrkdwn(shorten(f.error ?? 'the query failed', 300))}`;
  const now = f.weeks.at(-1) ?? { users: 0, events: 0 };
  const c = change(f);
  const wow = c === undefined ? 'no users last week' : `${c >= 0 ? '▲' : '▼'} ${Math.abs(c)} % week over week`;
  const goal = config?.goal;
  const goalText =
    goal === undefined ? '' : ` · goal ${fmt(goal)}/week: ${now.users >= goal ? '✅ met' : `❌ missed (${Math.round((now.users / goal) * 100)} %)`}`;
  const lines = [
    `${name} — *${fmt(now.users)}* user${now.users === 1 ? '' : 's'}, ${fmt(now.events)} events (${wow})${goalText}`,
    `8 weeks: \`${sparkline(f.weeks.map((w) => w.users))}\` ${f.weeks.map((w) => fmt(w.users)).join(' → ')}`,
  ];
  if (f.variants && f.variants.length > 0) {
    const parts = f.variants.map((v) => `${escapeMrkdwn(v.variant)}: ${fmt(v.exposed)} exposed, ${users(v.users)}, ${fmt(v.events)} events`);
    lines.push(`Variants (flag \`${escapeMrkdwn(config?.flag ?? '')}\`): ${parts.join(' · ')}`);
  }
  return lines.join('\n');
}

/** One sentence per mover: the largest rise and drop, and every feature with no events. */
export function movers(features: FeatureNumbers[]): string[] {
  const changed = features.map((f) => ({ f, c: change(f) })).filter((x): x is { f: FeatureNumbers; c: number } => x.c !== undefined);
  const sentences: string[] = [];
  const drop = [...changed].sort((a, b) => a.c - b.c)[0];
  const rise = [...changed].sort((a, b) => b.c - a.c)[0];
  if (drop && drop.c < 0) sentences.push(`${escapeMrkdwn(drop.f.name)} fell ${Math.abs(drop.c)} % week over week, the largest drop.`);
  if (rise && rise.c > 0) sentences.push(`${escapeMrkdwn(rise.f.name)} rose ${rise.c} % week over week, the largest rise.`);
  for (const f of features) if (f.weeks && (f.weeks.at(-1)?.events ?? 0) === 0) sentences.push(`${escapeMrkdwn(f.name)} had no events this week.`);
  return sentences;
}

function directorText(week: DirectorWeek): string {
  const median = week.medianToPrMs === undefined ? '' : `, median ${Math.max(1, Math.round(week.medianToPrMs / 60_000))} min from command to PR`;
  return `*Director this week:* ${week.tasks} task(s) started, ${week.opened} PR(s) opened, ${week.merged} merged${median}.`;
}

/** The "Open in PostHog" link: the SQL editor with the feature's query. */
export const openUrl = (projectUrl: string, query: string) => `${projectUrl}/sql?open_query=${encodeURIComponent(query)}`;

/** The finished report. */
export function reportMessage(args: {
  runId: string;
  result: KeptResult;
  features: ReportFeature[];
  director: DirectorWeek;
  asOf: number;
  title: string;
}): MessageBody {
  const { runId, result, features, director, asOf, title } = args;
  const byName = new Map(features.map((f) => [f.name.toLowerCase(), f]));
  const from = result.weekStarts.at(-1) ?? asOf;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: shorten(title, 150) } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Week ${day(from)} → ${day(asOf)} (UTC), from PostHog on the runner. The chart is in the thread.` }],
    },
  ];
  if (result.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(`⚠️ No report: ${escapeMrkdwn(result.error)}`) } });
  result.features.forEach((f, i) => {
    const config = byName.get(f.name.toLowerCase());
    const section: Record<string, unknown> = { type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(featureText(f, config)) } };
    if (result.projectUrl) {
      const url = openUrl(result.projectUrl, f.query);
      if (url.length <= 3000)
        section.accessory = { type: 'button', action_id: `${OPEN_ACTION}_${i}`, text: { type: 'plain_text', text: 'Open in PostHog' }, url };
    }
    blocks.push(section);
    if (needsLook(f, config?.goal))
      blocks.push({
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: `${INVESTIGATE_ACTION}_${i}`,
            text: { type: 'plain_text', text: shorten(`Investigate ${f.name}`, 75) },
            value: `${runId}|${i}`,
          },
        ],
      });
  });
  const moved = movers(result.features);
  if (moved.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(`*Movers:* ${moved.join(' ')}`) } });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: directorText(director) } });
  const summary = result.error
    ? `${title}: no report (${result.error})`
    : `${title}: ${result.features.map((f) => `${f.name} ${f.weeks ? users(f.weeks.at(-1)?.users ?? 0) : 'no numbers'}`).join(', ')}`;
  return { text: shorten(summary, 3000), blocks: blocks.slice(0, 50) as MessageBody['blocks'] };
}

/** The message while the runner works (or is offline). */
export function pendingMessage(title: string, runnerName: string, online: boolean): MessageBody {
  const text = online
    ? `${title}: asking runner ${runnerName} for the numbers…`
    : `${title}: waiting for runner ${runnerName}, which is offline; the report runs when it reconnects.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }] as MessageBody['blocks'] };
}
