// POST /v1/messages and /v1/messages/count_tokens — what Claude Code talks to.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { claudeDialect } from './claude-dialect.ts';
import type { ToolUse } from './claude-dialect.ts';
import { claudeEvents, claudeStreamError, claudeText, messageStart } from './claude-sse.ts';
import type { ClaudeStreamInfo } from './claude-sse.ts';
import { isFile, tokensOf } from './context.ts';
import type { HandlerContext, HttpRequest } from './context.ts';
import { sendFailure } from './failures.ts';
import { nextMove } from './planner.ts';
import type { Move } from './planner.ts';
import { sendJson, sendSse, waitUnlessGone } from './sse.ts';
import { CountTokensRequest, MessagesRequest, createdTasks, isTitleRequest, readMessages } from './wire-messages.ts';
import type { MessagesRequest as Body } from './wire-messages.ts';

const LOOPING: Move<ToolUse> = { delayMs: 0, reasoning: [], ending: { kind: 'message', text: 'emulator: too many requests in one turn' } };

function invalid(res: ServerResponse, error: z.ZodError): void {
  sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message: `emulator: ${z.prettifyError(error)}` } });
}

/** A short title from the first words of the prompt. */
function title(first: string | undefined): string {
  const words = (first ?? 'Conversation').split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  return JSON.stringify({ title: words === '' ? 'Conversation' : words });
}

function streamInfo(req: HttpRequest, body: Body, ctx: HandlerContext): ClaudeStreamInfo {
  return { messageId: ctx.nextId('msg_emu'), model: body.model, inputTokens: tokensOf(req.size) };
}

/** Answers one Claude Code model request: a title request, or a turn from the playbook. */
export async function handleMessages(req: HttpRequest, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const parsed = MessagesRequest.safeParse(req.json);
  if (!parsed.success) return invalid(res, parsed.error);
  const body = parsed.data;
  const ex = readMessages(body);
  const turn = Math.max(0, ex.humanMessages.length - 1);
  const selection = ctx.scripts.select(ex.humanMessages[0], turn);
  const sessionId = req.headers['x-claude-code-session-id'];
  const titleOnly = isTitleRequest(body);
  const base = { api: 'messages' as const, path: req.path, headers: req.headers, body, humanMessages: ex.humanMessages };
  ctx.record({ ...base, purpose: titleOnly ? 'title' : 'turn', toolResults: ex.turnResults, sessionId, matched: selection.matched, turn, at: ctx.now() });
  const headers = { 'request-id': ctx.nextId('req_emu') };
  if (titleOnly) return sendSse(res, claudeText(title(ex.humanMessages[0]), streamInfo(req, body, ctx)), headers);

  const answered = new Set(ex.turnResults.map((r) => r.callId));
  const dialect = claudeDialect({ tools: ex.tools, cwd: ex.cwd, exists: isFile, createdTasks: createdTasks(body) });
  // Only follow-ups within a turn can loop; fresh conversations never trip the guard.
  const looping = ex.turnResults.length > 0 && ctx.guard.tooMany(sessionId ?? ex.humanMessages[0] ?? '', turn);
  const move = looping ? LOOPING : nextMove(selection.steps, turn, answered, dialect);
  if (!(await waitUnlessGone(res, move.delayMs))) return;
  const info = streamInfo(req, body, ctx);
  if (move.ending.kind === 'fail') {
    sendFailure(res, 'messages', move.ending.failure, { beforeCut: [messageStart(info)], errorStream: claudeStreamError(info) }, headers);
    return;
  }
  sendSse(res, claudeEvents(move, info), headers);
}

/** POST /v1/messages/count_tokens: a plausible count, no playbook involved. */
export function handleCountTokens(req: HttpRequest, res: ServerResponse): void {
  const parsed = CountTokensRequest.safeParse(req.json);
  if (!parsed.success) return invalid(res, parsed.error);
  sendJson(res, 200, { input_tokens: tokensOf(req.size) });
}
