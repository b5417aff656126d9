import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import type { RunnerToBotReceived } from '../../shared/protocol.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';

/** What the bot does with each frame a runner sends (runs inside the frame's transaction). */
export function runnerFrameHandler(store: RunnerStore, clock: Clock, log: Logger, tasks: (frame: RunnerToBotReceived, seq: number, runner: RunnerRecord) => void) {
  return (runner: RunnerRecord, frame: RunnerToBotReceived, seq: number): void => {
    switch (frame.type) {
      case 'runner.status':
        store.markStatus(runner.id, frame, clock.now());
        return;
      case 'note':
        log.debug({ runner: runner.name, n: frame.n }, 'note from runner');
        return;
      default:
        tasks(frame, seq, runner);
    }
  };
}
