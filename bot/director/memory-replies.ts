import { cutMrkdwn, escapeMrkdwn } from '../../shared/text.ts';
import { MAX_FACTS, type MemoryEntry } from './memory.ts';

/** `/director memory`: every entry, numbered as `forget <n>` takes them. */
export function memoryReply(entries: MemoryEntry[], handle: (taskId: string) => string = (taskId) => taskId): string {
  if (entries.length === 0) return 'This channel’s project memory is empty. Finished tasks add a digest here; `/director remember <fact>` adds a fact.';
  const lines = entries.map((e) => {
    const [first = '', ...rest] = e.text.split('\n');
    const head =
      e.task_id === null
        ? `:pushpin: ${escapeMrkdwn(first)}${e.author ? ` — <@${e.author}>` : ''}`
        : `:white_check_mark: ${escapeMrkdwn(first)} (task \`${handle(e.task_id)}\`)`;
    return [`${e.id}. ${head}`, ...rest.map((l) => `      ${escapeMrkdwn(l)}`)].join('\n');
  });
  return cutMrkdwn(['*Project memory of this channel* (new tasks get the relevant part; `/director forget <n>` removes one):', ...lines].join('\n'), 12_000);
}

export function rememberReply(id: number | undefined): string {
  if (id === undefined) return `This channel’s memory holds ${MAX_FACTS} facts already: \`/director forget <n>\` some first (\`/director memory\` lists them).`;
  return `Remembered, as entry ${id}. New tasks in this channel will be told. \`/director memory\` lists everything.`;
}

export function forgetReply(removed: MemoryEntry | undefined, n: number, allowed: boolean): string {
  if (!removed) return `There is no entry ${n}: \`/director memory\` shows the numbers.`;
  if (!allowed) return `Entry ${n} stays: only whoever added it, the starter of its task, or a channel maintainer can remove it.`;
  return `Forgot entry ${n}: “${escapeMrkdwn(removed.text.split('\n')[0] ?? '')}”.`;
}
