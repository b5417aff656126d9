/** How many wrong pairing codes the bot tolerates, and from whom. */
export interface GuessLimits {
  /** Wrong codes one source may try per minute; past that only that source waits. */
  perSourcePerMinute: number;
  /**
   * Wrong codes tried by anyone, from any number of sources, while one code is live; past that
   * the code stops working. Codes hold about 40 bits, so 1,000 guesses give a guesser about a
   * one-in-a-billion chance at any one code.
   */
  perCode: number;
  /** Sources remembered at once; the least recently wrong are forgotten first (bounded memory). */
  sources: number;
}

export const GUESS_LIMITS: GuessLimits = { perSourcePerMinute: 10, perCode: 1000, sources: 10_000 };

const MINUTE_MS = 60_000;

/**
 * Wrong pairing codes, counted per source (so a stranger's guessing holds back only the
 * stranger) and over everyone (so guessing from many sources still cannot wear one code down).
 * In memory: a restart forgets them, and a restart is not something a guesser controls.
 */
export class WrongGuesses {
  private readonly bySource = new Map<string, number[]>();
  /** Times of the latest `perCode` wrong codes, from anyone, oldest first. */
  private readonly latest: number[] = [];

  constructor(private readonly limits: GuessLimits = GUESS_LIMITS) {}

  /** Whether `source` has used up its wrong codes for this minute. */
  blocked(source: string, now: number): boolean {
    return this.recentFrom(source, now).length >= this.limits.perSourcePerMinute;
  }

  record(source: string, now: number): void {
    const times = [...this.recentFrom(source, now), now];
    // Re-inserted, so the map's order is least recently wrong first.
    this.bySource.delete(source);
    this.bySource.set(source, times);
    for (const oldest of this.bySource.keys()) {
      if (this.bySource.size <= this.limits.sources) break;
      this.bySource.delete(oldest);
    }
    this.latest.push(now);
    if (this.latest.length > this.limits.perCode) this.latest.shift();
  }

  /** Whether `perCode` wrong codes were tried at or after `since` (a code made then may have been worn down). */
  exhaustedSince(since: number): boolean {
    const { perCode } = this.limits;
    return this.latest.length >= perCode && (this.latest[this.latest.length - perCode] ?? -Infinity) >= since;
  }

  private recentFrom(source: string, now: number): number[] {
    return (this.bySource.get(source) ?? []).filter((t) => t > now - MINUTE_MS);
  }
}
