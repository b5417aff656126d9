// What the PostHog emulator keeps: events by name, the project's keys, async queries.
import { randomUUID } from 'node:crypto';

/** One captured event as the emulator stores it (person_id is the distinct_id: no identity merging). */
export interface StoredEvent {
  uuid: string;
  event: string;
  distinctId: string;
  /** ms since the epoch */
  ts: number;
  properties: Record<string, unknown>;
}

/** A personal API key and what it may do. */
export interface PersonalKey {
  key: string;
  scopes: string[];
  /** Projects it may read; undefined: all. */
  projects?: number[];
}

/** An async query: its answer is ready after `pollsLeft` more polls. */
export interface AsyncQuery {
  id: string;
  pollsLeft: number;
  outcome: { ok: true; result: unknown } | { ok: false; message: string };
}

export class EventStore {
  private readonly byName = new Map<string, StoredEvent[]>();
  private count = 0;

  add(event: Omit<StoredEvent, 'uuid'> & { uuid?: string }): void {
    const stored = { ...event, uuid: event.uuid ?? randomUUID() };
    const list = this.byName.get(stored.event) ?? [];
    list.push(stored);
    this.byName.set(stored.event, list);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Events with one of `names`, or all. */
  *scan(names: string[] | undefined): Iterable<StoredEvent> {
    const lists = names === undefined ? [...this.byName.values()] : names.map((n) => this.byName.get(n) ?? []);
    for (const list of lists) yield* list;
  }

  /** Every stored event (tests). */
  all(): StoredEvent[] {
    return [...this.scan(undefined)];
  }
}
