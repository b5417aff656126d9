// The external upload flow: files.getUploadURLExternal → POST upload_url → files.completeUploadExternal.
import { z } from 'zod';
import { slackId } from './ids.ts';
import { filePart, multipartBoundary } from './multipart.ts';
import { formInt, formStr, jsonArg, structured } from './params.ts';
import type { Workspace } from './store.ts';
import type { FileSummary, JsonObject } from './types.ts';
import { botChannel, fail, ok, parseArgs } from './web-api-kit.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';

const UrlArgs = z.object({
  filename: z.string().min(1),
  length: formInt.pipe(z.number().int().positive()),
  alt_txt: z.string().optional(),
  alt_text: z.string().optional(),
});

const CompleteArgs = z.object({
  files: structured,
  channel_id: formStr.optional(),
  thread_ts: formStr.optional(),
  initial_comment: z.string().optional(),
});

const FileList = z.array(z.object({ id: z.string().min(1), title: z.string().optional() })).min(1);

const MIME_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
  diff: 'text/x-diff',
  patch: 'text/x-diff',
  log: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  pdf: 'application/pdf',
};

function mimeType(filename: string): string {
  const ext = filename.split('.').at(-1)?.toLowerCase() ?? '';
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}

function getUploadUrl(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(UrlArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const id = slackId('F0', 9);
  const altText = a.alt_txt ?? a.alt_text;
  deps.store.files.set(id, {
    id,
    name: a.filename,
    title: a.filename,
    size: 0,
    mimetype: mimeType(a.filename),
    declaredLength: a.length,
    ...(altText === undefined ? {} : { altText }),
  });
  return ok({ upload_url: `${deps.baseUrl()}/upload/${id}`, file_id: id });
}

function complete(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(CompleteArgs, args);
  if (!parsed.ok) return parsed.reply;
  const a = parsed.data;
  const decoded = jsonArg(a.files);
  const list = decoded.ok ? FileList.safeParse(decoded.value) : undefined;
  if (!list?.success) return fail('invalid_arguments');
  const stored = list.data.map((f) => ({ entry: f, file: deps.store.files.get(f.id) }));
  // A file whose bytes never arrived can't be completed.
  if (stored.some((s) => s.file?.bytes === undefined)) return fail('invalid_arguments');
  let channel: string | undefined;
  if (a.channel_id !== undefined && a.channel_id !== '') {
    const target = botChannel(deps, a.channel_id);
    if (!target.ok) return target.reply;
    channel = target.channel.id;
  }
  const summaries: FileSummary[] = [];
  for (const { entry, file } of stored) {
    if (!file) continue;
    if (entry.title !== undefined && entry.title !== '') file.title = entry.title;
    summaries.push({ id: file.id, name: file.name, title: file.title, size: file.size, mimetype: file.mimetype });
  }
  if (channel !== undefined) {
    const thread = threadRoot(deps.store, channel, a.thread_ts);
    if (thread === null) return fail('invalid_thread_ts');
    deps.store.post(channel, {
      user: deps.config.botUserId,
      bot_id: deps.config.botId,
      app_id: deps.config.appId,
      text: a.initial_comment ?? '',
      files: summaries,
      ...(thread === undefined ? {} : { thread_ts: thread }),
    });
  }
  return ok({ files: summaries });
}

/** The thread root for thread_ts (undefined: none given; null: unknown ts). */
function threadRoot(store: Workspace, channel: string, threadTs: string | undefined): string | undefined | null {
  if (threadTs === undefined || threadTs === '') return undefined;
  const target = store.find(channel, threadTs);
  if (!target) return null;
  return target.thread_ts ?? target.ts;
}

/** Answer to `POST /upload/<file_id>`: raw bytes or multipart; the length must match the announced one. */
export function receiveUpload(store: Workspace, fileId: string, contentType: string | undefined, body: Buffer): { status: number; text: string } {
  const file = store.files.get(fileId);
  if (!file) return { status: 404, text: 'Not Found' };
  const boundary = multipartBoundary(contentType);
  const bytes = boundary === undefined ? body : filePart(body, boundary);
  if (bytes === undefined) return { status: 400, text: 'Bad Request - no file part' };
  if (bytes.length !== file.declaredLength) {
    return { status: 400, text: `Bad Request - length ${bytes.length} does not match ${file.declaredLength}` };
  }
  file.bytes = Buffer.from(bytes);
  file.size = bytes.length;
  return { status: 200, text: `OK - ${bytes.length}` };
}

/** files.* handlers by method name. */
export const fileMethods: Record<string, MethodSpec> = {
  'files.getUploadURLExternal': { token: 'bot', handle: getUploadUrl },
  'files.completeUploadExternal': { token: 'bot', handle: complete },
};
