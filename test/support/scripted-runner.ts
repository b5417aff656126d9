import { LinkEndpoint, type LinkSide } from '../../shared/link/endpoint.ts';
import { LinkStore } from '../../shared/link/store.ts';
import type { BotToRunner, RunnerToBot } from '../../shared/protocol.ts';
import { RunnerLink } from '../../runner/link/client.ts';
import { linkPeer } from '../../runner/link/peer.ts';
import { runnerDatabase } from '../../runner/main.ts';
import { until } from '../../emulators/support/until.ts';
import { quietLog } from './link-harness.ts';

/**
 * A runner whose every frame the test writes: the real link (endpoint, seqs, acks, replay) with
 * no engine behind it. `side` is this build's `runnerSide`, or a newer build's to send what this one would not.
 */
export interface ScriptedRunner<Out> {
  received: BotToRunner[];
  /** The first frame of `type` received, once it arrives. */
  next<T extends BotToRunner['type']>(type: T, after?: number): Promise<Extract<BotToRunner, { type: T }>>;
  send(frame: Out): void;
  /** Resolves once the bot has acknowledged (so handled) every frame sent so far. */
  acknowledged(): Promise<void>;
  stop(): Promise<void>;
}

export async function startScriptedRunner<Out = RunnerToBot>(options: {
  botUrl: string;
  token: string;
  name: string;
  home: string;
  side: LinkSide<Out, BotToRunner>;
  /** What its hello says of its sandbox (nothing, as an older runner). */
  sandbox?: 'bubblewrap' | 'off';
}): Promise<ScriptedRunner<Out>> {
  const db = runnerDatabase(options.home);
  const store = new LinkStore(db, linkPeer(options.token));
  const endpoint = new LinkEndpoint({ side: options.side, store, log: quietLog });
  const received: BotToRunner[] = [];
  endpoint.onFrame((frame) => received.push(frame));
  const link = new RunnerLink({
    botUrl: options.botUrl,
    token: options.token,
    hello: { runner: options.name, capacity: 2, agents: ['codex'], version: 'scripted', ...(options.sandbox && { sandbox: options.sandbox }) },
    endpoint,
    log: quietLog,
  });
  link.start();
  await until(() => endpoint.connected, 10_000, 'the scripted runner connected');
  return {
    received,
    next: (type, after = 0) =>
      until(() => received.slice(after).find((f): f is Extract<BotToRunner, { type: typeof type }> => f.type === type), 10_000, `a ${type} frame`),
    send: (frame) => void endpoint.send(frame),
    acknowledged: async () => {
      await until(() => store.unacknowledged() === 0, 10_000, 'the bot to acknowledge every frame');
    },
    stop: async () => {
      link.stop();
      await link.stopped;
      db.close();
    },
  };
}
