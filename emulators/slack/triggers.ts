// trigger_ids: issued with each slash command / interaction, single use, valid for 3 s.
import { triggerId } from './ids.ts';

/** Slack's trigger_id lifetime. */
export const TRIGGER_TTL_MS = 3000;

/** Why a trigger was refused, in Slack's error codes. */
export type TriggerCheck = { ok: true; user: string } | { ok: false; error: 'invalid_trigger_id' | 'expired_trigger_id' | 'exchanged_trigger_id' };

interface Issued {
  user: string;
  at: number;
  used: boolean;
}

/** Issues and redeems trigger ids. */
export class Triggers {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly now: () => number) {}

  issue(user: string): string {
    const at = this.now();
    const id = triggerId(at);
    this.issued.set(id, { user, at, used: false });
    return id;
  }

  redeem(id: string): TriggerCheck {
    const entry = this.issued.get(id);
    if (!entry) return { ok: false, error: 'invalid_trigger_id' };
    if (this.now() - entry.at > TRIGGER_TTL_MS) return { ok: false, error: 'expired_trigger_id' };
    if (entry.used) return { ok: false, error: 'exchanged_trigger_id' };
    entry.used = true;
    return { ok: true, user: entry.user };
  }
}
