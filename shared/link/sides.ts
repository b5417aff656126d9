/** What each side of the link sends and accepts: the runner takes bot frames, the bot takes runner frames. */
import {
  botToRunnerReceivedSchema,
  botToRunnerSchema,
  runnerToBotReceivedSchema,
  runnerToBotSchema,
  type BotToRunner,
  type BotToRunnerReceived,
  type RunnerToBot,
  type RunnerToBotReceived,
} from '../protocol.ts';
import { frameSchema } from './decode.ts';
import type { LinkEndpoint, LinkSide } from './endpoint.ts';

/** The runner reads a v2 bot's verification shell text, to refuse the task that carries it. */
export const runnerSide: LinkSide<RunnerToBot, BotToRunnerReceived> = { sends: runnerToBotSchema, receives: frameSchema(botToRunnerReceivedSchema) };

/** The bot accepts milestone kinds of newer runners (rendered from their text). */
export const botSide: LinkSide<BotToRunner, RunnerToBotReceived> = { sends: botToRunnerSchema, receives: frameSchema(runnerToBotReceivedSchema) };

/** The runner's end of its link to the bot. */
export type RunnerEndpoint = LinkEndpoint<RunnerToBot, BotToRunnerReceived>;
/** The bot's end of its link to one runner. */
export type BotEndpoint = LinkEndpoint<BotToRunner, RunnerToBotReceived>;
