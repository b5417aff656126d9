// POST /v1/responses — what codex talks to.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { codexDialect } from './codex-dialect.ts';
import type { CodexCall } from './codex-dialect.ts';
import { codexCreated, codexEvents, codexFailed } from './codex-sse.ts';
import type { CodexStreamInfo } from './codex-sse.ts';
import { readTextFile, tokensOf } from './context.ts';
import type { HandlerContext, HttpRequest } from './context.ts';
import { sendFailure } from './failures.ts';
import { nextMove } from './planner.ts';
import type { Move } from './planner.ts';
import { sendJson, sendSse, waitUnlessGone } from './sse.ts';
import { ResponsesRequest, readResponses } from './wire-responses.ts';

const LOOPING: Move<CodexCall> = { delayMs: 0, reasoning: [], ending: { kind: 'message', text: 'emulator: too many requests in one turn' } };

/** Answers one codex model request from the playbook. */
export async function handleResponses(req: HttpRequest, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const parsed = ResponsesRequest.safeParse(req.json);
  if (!parsed.success) {
    const message = `emulator: not a Responses request: ${z.prettifyError(parsed.error)}`;
    sendJson(res, 400, { error: { message, type: 'invalid_request_error', param: null, code: null } });
    return;
  }
  const body = parsed.data;
  const ex = readResponses(body);
  const turn = Math.max(0, ex.humanMessages.length - 1);
  const selection = ctx.scripts.select(ex.humanMessages[0], turn);
  const sessionId = req.headers['session-id'] ?? req.headers['thread-id'];
  ctx.record({
    api: 'responses',
    purpose: 'turn',
    path: req.path,
    headers: req.headers,
    body,
    humanMessages: ex.humanMessages,
    toolResults: ex.turnResults,
    sessionId,
    matched: selection.matched,
    turn,
    at: ctx.now(),
  });
  const answered = new Set(ex.turnResults.map((r) => r.callId));
  const dialect = codexDialect({ tools: ex.tools, cwd: ex.cwd, readFile: readTextFile });
  // Only follow-ups within a turn can loop; fresh conversations never trip the guard.
  const looping = ex.turnResults.length > 0 && ctx.guard.tooMany(sessionId ?? ex.humanMessages[0] ?? '', turn);
  const move = looping ? LOOPING : nextMove(selection.steps, turn, answered, dialect);
  if (!(await waitUnlessGone(res, move.delayMs))) return;
  const info: CodexStreamInfo = { responseId: ctx.nextId('resp_emu'), model: body.model, createdAt: ctx.now(), inputTokens: tokensOf(req.size) };
  if (move.ending.kind === 'fail') {
    sendFailure(res, 'responses', move.ending.failure, { beforeCut: [codexCreated(info)], errorStream: codexFailed(info) });
    return;
  }
  sendSse(res, codexEvents(move, info));
}
