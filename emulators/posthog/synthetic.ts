// Synthetic feature usage for tests, the demo and the benchmark: events as posthog-node's capture() takes them.

/** A feature's usage to make up: users per week (oldest first), each using it `eventsPerUser` times. */
export interface SyntheticFeature {
  event: string;
  weeklyUsers: number[];
  eventsPerUser: number;
  /** A flag whose variants (control / test, alternating) users are exposed to and tagged with. */
  flag?: string;
}

/** One event to capture: the arguments of posthog-node's `capture`. */
export interface SyntheticEvent {
  distinctId: string;
  event: string;
  properties: Record<string, string>;
  timestamp: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Events for `features` in the weeks ending at `now`: week w (0 = oldest of n) is
 * (now − (n−w)·7 d, now − (n−w−1)·7 d]. Every event lies at least a day inside its week, so a
 * report asked for a little later counts it in the same week.
 */
export function syntheticUsage(features: SyntheticFeature[], now: number): SyntheticEvent[] {
  const events: SyntheticEvent[] = [];
  for (const [f, feature] of features.entries()) {
    const n = feature.weeklyUsers.length;
    feature.weeklyUsers.forEach((users, w) => {
      const weekEnd = now - (n - w - 1) * 7 * DAY_MS;
      for (let u = 0; u < users; u++) {
        const distinctId = `user-${f}-${u}`;
        const variant = u % 2 === 0 ? 'control' : 'test';
        // Between 1.5 and 5.5 days before the week's end, spread over the users.
        const at = weekEnd - 1.5 * DAY_MS - ((u * 7919) % 97) * ((4 * DAY_MS) / 97);
        if (feature.flag)
          events.push({
            distinctId,
            event: '$feature_flag_called',
            properties: { $feature_flag: feature.flag, $feature_flag_response: variant },
            timestamp: new Date(at - 60_000),
          });
        for (let e = 0; e < feature.eventsPerUser; e++)
          events.push({
            distinctId,
            event: feature.event,
            properties: feature.flag ? { [`$feature/${feature.flag}`]: variant } : {},
            timestamp: new Date(at + e * 60_000),
          });
      }
    });
  }
  return events;
}

/** Unique users and events of `event` per week ending at `asOf` (oldest first), counted from the events themselves. */
export function countWeeks(events: SyntheticEvent[], event: string, asOf: number, weeks: number): { users: number; events: number }[] {
  const buckets = Array.from({ length: weeks }, () => ({ users: new Set<string>(), events: 0 }));
  for (const e of events) {
    if (e.event !== event) continue;
    const back = Math.floor((asOf - e.timestamp.getTime()) / (7 * DAY_MS));
    const bucket = buckets[weeks - 1 - back];
    if (back < 0 || !bucket) continue;
    bucket.users.add(e.distinctId);
    bucket.events++;
  }
  return buckets.map((b) => ({ users: b.users.size, events: b.events }));
}
