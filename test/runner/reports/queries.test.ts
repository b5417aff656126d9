import { describe, expect, it } from 'vitest';
import { runHogQL } from '../../../emulators/posthog/hogql-eval.ts';
import { EventStore } from '../../../emulators/posthog/store.ts';
import { quote, variantUsageQuery, weeklyQuery, WEEK_MS } from '../../../runner/reports/queries.ts';

describe('the HogQL Director sends', () => {
  it('quotes strings so a name cannot end the literal', () => {
    expect(quote("it's \\ fine")).toBe("'it\\'s \\\\ fine'");
  });

  it('counts weeks from the launch date only, and this week’s variants by $feature/<flag>', () => {
    const asOf = Date.parse('2026-11-30T00:00:00Z');
    const events = new EventStore();
    const at = (weeksBack: number, user: string, properties: Record<string, unknown> = {}) =>
      events.add({ event: 'used', distinctId: user, ts: asOf - weeksBack * WEEK_MS - 3 * 86_400_000, properties });
    at(0, 'a', { '$feature/f': 'test' });
    at(0, 'b', { '$feature/f': 'control' });
    at(0, 'b', { '$feature/f': 'control' });
    at(2, 'c');
    at(5, 'd');
    const since = asOf - 3 * WEEK_MS;
    const window = { asOf, weeks: 8 };
    const weekly = runHogQL(weeklyQuery({ name: 'F', events: ['used'], since }, window), (names) => events.scan(names), asOf);
    expect(weekly.results).toEqual([
      [0, 2, 3],
      [2, 1, 1],
    ]);
    const variants = runHogQL(variantUsageQuery({ name: 'F', events: ['used'], flag: 'f' }, window), (names) => events.scan(names), asOf);
    expect(variants.results).toEqual([
      ['control', 1, 2],
      ['test', 1, 1],
    ]);
  });
});
