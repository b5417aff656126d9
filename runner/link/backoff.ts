/** Reconnect delays: exponential with full jitter, so many runners don't return in lockstep. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /** A number in [0, 1); Math.random in production, seeded in tests. */
  random: () => number;
}

export const defaultBackoff = { baseMs: 500, capMs: 30_000 };

/** The delay before reconnect attempt `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, { baseMs, capMs, random }: BackoffOptions): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
