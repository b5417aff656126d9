// Web API front door: token checks, failure injection, recording, then the method's handler.
import { decodeBody, recordableParams } from './params.ts';
import type { ApiCallRecord, InjectedFailure, JsonObject, TokenKind } from './types.ts';
import { chatMethods } from './web-api-chat.ts';
import { fileMethods } from './web-api-files.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';
import { reactionMethods } from './web-api-reactions.ts';
import { readMethods } from './web-api-read.ts';
import { viewMethods } from './web-api-views.ts';

/** An incoming Web API request, as the HTTP server read it. */
export interface ApiRequest {
  method: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
  query: URLSearchParams;
}

/** What the server should do: answer, or (drop-response) destroy the socket without answering. */
export type ApiOutcome = { kind: 'reply'; reply: ApiReply } | { kind: 'drop' };

const METHODS: Record<string, MethodSpec> = {
  ...chatMethods,
  ...reactionMethods,
  ...readMethods,
  ...fileMethods,
  ...viewMethods,
};

/** Names of every emulated method (for docs and tests). */
export const METHOD_NAMES: readonly string[] = Object.keys(METHODS);

function failureName(failure: InjectedFailure): string {
  return typeof failure === 'string' ? failure : `error:${failure.error}`;
}

/** The Web API: one instance per emulator. */
export class WebApi {
  /** Every call in arrival order; tests assert on it ("no call was made"). */
  readonly calls: ApiCallRecord[] = [];
  private readonly failures = new Map<string, InjectedFailure[]>();

  constructor(private readonly deps: ApiDeps) {}

  /** Makes the next call of `method` fail once in the given way (stackable). */
  failNext(method: string, failure: InjectedFailure): void {
    const queue = this.failures.get(method) ?? [];
    queue.push(failure);
    this.failures.set(method, queue);
  }

  async handle(req: ApiRequest): Promise<ApiOutcome> {
    const decoded = decodeBody(req.contentType, req.body, req.query);
    const params: JsonObject = decoded.ok ? decoded.params : {};
    const tokenKind = this.tokenKind(req.authorization, params.token);
    const record: ApiCallRecord = {
      method: req.method,
      params: recordableParams(params),
      tokenKind,
      at: this.deps.config.now(),
      status: 200,
      ok: false,
    };
    this.calls.push(record);
    const outcome = await this.run(req.method, decoded.ok ? params : undefined, decoded.ok ? '' : decoded.error, tokenKind, record);
    if (outcome.kind === 'drop') {
      record.status = 0;
      return outcome;
    }
    record.status = outcome.reply.status;
    record.ok = outcome.reply.body.ok === true;
    const error = outcome.reply.body.error;
    if (typeof error === 'string') record.error = error;
    return outcome;
  }

  private async run(method: string, params: JsonObject | undefined, decodeError: string, tokenKind: TokenKind, record: ApiCallRecord): Promise<ApiOutcome> {
    const reply = (r: ApiReply): ApiOutcome => ({ kind: 'reply', reply: r });
    const spec = METHODS[method];
    if (!spec) return reply({ status: 404, body: { ok: false, error: 'unknown_method' } });
    if (params === undefined) return reply({ status: 200, body: { ok: false, error: decodeError } });
    if (tokenKind === 'none') return reply({ status: 200, body: { ok: false, error: 'not_authed' } });
    if (tokenKind === 'invalid') return reply({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    if (tokenKind !== spec.token) return reply({ status: 200, body: { ok: false, error: 'not_allowed_token_type' } });
    const failure = this.failures.get(method)?.shift();
    if (failure !== undefined) {
      record.injected = failureName(failure);
      if (failure === 'http-500') return reply({ status: 500, body: { ok: false, error: 'internal_error' } });
      if (failure === 'ratelimited') {
        return reply({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': '1' } });
      }
      if (typeof failure === 'object') return reply({ status: 200, body: { ok: false, error: failure.error } });
      // drop-response: the call takes effect, the answer is lost.
      await spec.handle(params, this.deps);
      return { kind: 'drop' };
    }
    return reply(await spec.handle(params, this.deps));
  }

  private tokenKind(authorization: string | undefined, bodyToken: unknown): TokenKind {
    const fromHeader = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const token = fromHeader ?? (typeof bodyToken === 'string' ? bodyToken : '');
    if (token === '') return 'none';
    if (token === this.deps.config.botToken) return 'bot';
    if (token === this.deps.config.appToken) return 'app';
    return 'invalid';
  }
}
