// Uploading the report's chart into its thread: files.getUploadURLExternal → upload → files.completeUploadExternal.
import type { WebClient } from '@slack/web-api';

/** The one Slack call reports make besides messages. */
export interface ChartUploader {
  upload(args: { channel: string; threadTs: string; filename: string; title: string; altText: string; bytes: Buffer }): Promise<void>;
}

/** Over WebClient's filesUploadV2, which makes the three calls (scope files:write). */
export function chartUploader(client: WebClient): ChartUploader {
  return {
    upload: async ({ channel, threadTs, filename, title, altText, bytes }) => {
      await client.filesUploadV2({ channel_id: channel, thread_ts: threadTs, file: bytes, filename, title, alt_text: altText });
    },
  };
}
