// "Investigate <feature>": the prompt of a task that starts from a report's numbers, query and dates.
import type { FeatureNumbers, ReportFeature } from '../../shared/report-frames.ts';
import { change } from './report-message.ts';

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/** The task's prompt: what moved, every week's numbers, the variants, the HogQL and the dates. */
export function investigatePrompt(feature: FeatureNumbers, config: ReportFeature | undefined, weekStarts: number[]): string {
  const weeks = feature.weeks ?? [];
  const now = weeks.at(-1) ?? { users: 0, events: 0 };
  const c = change(feature);
  const why = [
    config?.goal !== undefined && now.users < config.goal ? `it missed its goal of ${config.goal} users/week (${now.users} this week)` : undefined,
    c !== undefined && c < 0 ? `it fell ${Math.abs(c)} % week over week` : undefined,
  ].filter((x) => x !== undefined);
  const thisWeek = weekStarts.at(-1);
  const lines = [
    `Investigate the feature "${feature.name}" from this week's PostHog report${why.length > 0 ? `: ${why.join(' and ')}` : ''}.`,
    '',
    `Events that count as using it: ${config?.events.join(', ') ?? 'unknown'}${config?.flag ? `; feature flag: ${config.flag}` : ''}.`,
    'Unique users and events per week (UTC, oldest first):',
    ...weeks.map((w, i) => `- week from ${day(weekStarts[i] ?? 0)}: ${w.users} users, ${w.events} events`),
  ];
  if (feature.variants && feature.variants.length > 0) {
    lines.push('This week per variant of the flag:');
    for (const v of feature.variants) lines.push(`- ${v.variant}: ${v.exposed} exposed, ${v.users} users, ${v.events} events`);
  }
  if (thisWeek !== undefined)
    lines.push(`Dates: this week is ${day(thisWeek)} → ${day(thisWeek + WEEK_MS)}, compared with ${day(thisWeek - WEEK_MS)} → ${day(thisWeek)} (UTC).`);
  lines.push('The HogQL query behind these numbers:', '```', feature.query, '```', '');
  lines.push(
    'Find the code paths behind this feature and the events it sends, explain what most likely caused the change (a bug, a broken or missing event, the flag rollout), and fix what is broken in the code.',
  );
  return lines.join('\n');
}
