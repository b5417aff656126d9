/** What each side of the link sends and accepts: the runner takes bot frames, the bot takes runner frames. */
import { botToRunnerSchema, runnerToBotReceivedSchema, runnerToBotSchema, type BotToRunner, type RunnerToBot, type RunnerToBotReceived } from '../protocol.ts';
import { frameSchema } from './decode.ts';
import type { LinkEndpoint, LinkSide } from './endpoint.ts';

export const runnerSide: LinkSide<RunnerToBot, BotToRunner> = { sends: runnerToBotSchema, receives: frameSchema(botToRunnerSchema) };

/** The bot accepts milestone kinds of newer runners (rendered from their text). */
export const botSide: LinkSide<BotToRunner, RunnerToBotReceived> = { sends: botToRunnerSchema, receives: frameSchema(runnerToBotReceivedSchema) };

/** The runner's end of its link to the bot. */
export type RunnerEndpoint = LinkEndpoint<RunnerToBot, BotToRunner>;
/** The bot's end of its link to one runner. */
export type BotEndpoint = LinkEndpoint<BotToRunner, RunnerToBotReceived>;
