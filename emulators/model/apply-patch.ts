// Patch text for codex's freeform apply_patch tool that makes a file hold exactly `content`.
// Verified against codex 0.169.0: "*** Add File" creates (and silently overwrites) a file, but the
// change is then reported as kind "add"; "*** Update File" with a hunk that removes every old line
// reports kind "update"; "*** Delete File" + "*** Add File" of one path in one patch is rejected
// ("multiple operations target …") and the exec JSONL then shows no file_change item at all.

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

/** A patch that writes `content` to `path`; `existing` is the file's current text, if it exists. */
export function writePatch(path: string, content: string, existing: string | undefined): string {
  const added = lines(content).map((l) => `+${l}\n`);
  const old = existing === undefined ? [] : lines(existing);
  if (old.length === 0) return `*** Begin Patch\n*** Add File: ${path}\n${added.join('')}*** End Patch\n`;
  const removed = old.map((l) => `-${l}\n`);
  return `*** Begin Patch\n*** Update File: ${path}\n@@\n${removed.join('')}${added.join('')}*** End Patch\n`;
}
