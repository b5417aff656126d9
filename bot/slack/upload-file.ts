import type { WebClient } from '@slack/web-api';
import { call } from './web-api-port.ts';

/** A file for a channel's thread, through Slack's external upload flow (scope files:write). */
export interface FileUpload {
  channel: string;
  /** The thread's root ts. */
  threadTs?: string;
  filename: string;
  title: string;
  content: string;
  /** Shown above the file. */
  comment?: string;
}

/** Uploads files; one implementation over WebClient, failures are SlackCallErrors. */
export type UploadFile = (file: FileUpload) => Promise<void>;

/** files.getUploadURLExternal → upload → files.completeUploadExternal, as `filesUploadV2` does them. */
export function uploadFileWith(client: WebClient): UploadFile {
  return async (file) => {
    const common = {
      file: Buffer.from(file.content, 'utf8'),
      filename: file.filename,
      title: file.title,
      ...(file.comment !== undefined && { initial_comment: file.comment }),
    };
    const { threadTs } = file;
    await call('files.uploadV2', () =>
      threadTs === undefined
        ? client.filesUploadV2({ ...common, channel_id: file.channel })
        : client.filesUploadV2({ ...common, channel_id: file.channel, thread_ts: threadTs }),
    );
  };
}
