import { z } from 'zod';

/**
 * A web address a runner reports (a PR, an issue). The bot puts it inside a Slack link
 * `<url|label>`, so it must be http(s) and hold nothing that would end the link early.
 */
export const webUrlSchema = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((url) => !/[\s<>|]/.test(url), 'an http(s) URL without spaces, "<", ">" or "|"');
