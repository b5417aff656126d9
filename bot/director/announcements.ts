import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { AuditAction, AuditEntry, AuditStore } from '../store/audit.ts';

/** Records a change in the audit log and tells the channel in one line. */
export class Announcements {
  constructor(private readonly options: { audit: AuditStore; outbox: SlackOutbox; clock: Clock; log: Logger }) {}

  /** `line` is mrkdwn the caller built from escaped parts; it is stored as shown. */
  announce(channel: string | null, actor: string, action: AuditAction, line: string): void {
    const { audit, outbox, clock, log } = this.options;
    const id = audit.add({ at: clock.now(), channel, actor, action, text: line });
    if (channel === null) return;
    void outbox.show(`audit:${id}`, { channel }, { text: line }).catch((error: unknown) => log.warn({ err: error }, 'announcement not posted'));
  }

  /** `/director audit`: the channel's last changes, newest first. */
  recent(channel: string): string {
    const entries = this.options.audit.recent(channel);
    if (entries.length === 0) return 'Nothing has changed in this channel’s bindings or settings yet.';
    return ['Recent changes in this channel (newest first):', ...entries.map(auditLine)].join('\n');
  }
}

function auditLine(entry: AuditEntry): string {
  return `• ${new Date(entry.at).toISOString().slice(0, 16).replace('T', ' ')} UTC — ${entry.text}`;
}

/** A user mention for an announcement (Slack ids only: nothing else becomes a mention). */
export const mention = (user: string): string => (/^[UW][A-Z0-9]{2,20}$/.test(user) ? `<@${user}>` : escapeMrkdwn(user));
