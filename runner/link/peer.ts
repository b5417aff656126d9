import { splitRunnerToken } from '../../shared/runner-token.ts';

/** The link state's key on the runner: one per paired identity, so a re-paired runner starts afresh. */
export function linkPeer(token: string): string {
  return `bot:${splitRunnerToken(token)?.id ?? 'unpaired'}`;
}
