// POST /v1/chat/completions — what an OpenAI-compatible client (such as Director's model-backed
// summariser) talks to. Non-streaming only: one JSON chat.completion per request. Playbooks work as
// for the CLIs (turn i answers the i-th user message); tool steps are skipped (no tool calls are
// emulated here), `message` is the answer, `fail` the failure and `delayMs` a slow answer.
import type { ServerResponse } from 'node:http';
import type { HandlerContext, HttpRequest } from './context.ts';
import { tokensOf } from './context.ts';
import { sendFailure } from './failures.ts';
import { nextMove } from './planner.ts';
import type { Dialect } from './planner.ts';
import { sendJson, waitUnlessGone } from './sse.ts';
import type { Failure } from './types.ts';
import { ChatRequest, chatHumanMessages, chatRequestError } from './wire-chat.ts';

/** No tools here: every tool step is left out. */
const NO_TOOLS: Dialect<never> = { step: () => ({ state: 'skip' }) };

/** What a non-2xx or broken answer looks like for this route (see SPEC.md). */
function fail(res: ServerResponse, failure: Failure, completion: Record<string, unknown>): void {
  if (failure === 'broken-stream') {
    // A 200 whose JSON is cut off midway: the connection drops once the first half is out.
    const text = JSON.stringify(completion);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
    return;
  }
  if (failure === 'stream-error') {
    // A 200 that carries an error object instead of a completion (what some proxies do).
    sendJson(res, 200, { error: { message: 'emulated server failure', type: 'server_error', param: null, code: null } });
    return;
  }
  sendFailure(res, 'chat', failure, { beforeCut: [], errorStream: [] });
}

/** Answers one Chat Completions request from the playbook. */
export async function handleChat(req: HttpRequest, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const parsed = ChatRequest.safeParse(req.json);
  if (!parsed.success) return sendJson(res, 400, chatRequestError(req.json, parsed.error));
  const body = parsed.data;
  if (body.stream === true) {
    const message = 'emulator: stream:true is not emulated on /v1/chat/completions';
    return sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: 'stream', code: 'unsupported_value' } });
  }
  const humanMessages = chatHumanMessages(body);
  const turn = Math.max(0, humanMessages.length - 1);
  const selection = ctx.scripts.select(humanMessages[0], turn);
  ctx.record({
    api: 'chat',
    purpose: 'turn',
    path: req.path,
    headers: req.headers,
    body,
    humanMessages,
    toolResults: [],
    matched: selection.matched,
    turn,
    at: ctx.now(),
  });
  const move = nextMove(selection.steps, turn, new Set(), NO_TOOLS);
  if (!(await waitUnlessGone(res, move.delayMs))) return;
  const text = move.ending.kind === 'message' ? move.ending.text : '';
  const promptTokens = tokensOf(req.size);
  const completionTokens = tokensOf(Buffer.byteLength(text, 'utf8'));
  const completion = {
    id: ctx.nextId('chatcmpl-emu'),
    object: 'chat.completion',
    created: Math.floor(ctx.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
  if (move.ending.kind === 'fail') return fail(res, move.ending.failure, completion);
  sendJson(res, 200, completion, { 'x-request-id': ctx.nextId('req_emu') });
}
