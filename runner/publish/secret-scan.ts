import { basename } from 'node:path';
import { REDACTED, type Redactor } from '../../shared/redact.ts';
import { shorten } from '../../shared/text.ts';

/** A secret found on an added line of the diff about to be pushed. */
export interface SecretFinding {
  file: string;
  /** Line number in the new file. */
  line: number;
  /** The line with the secret replaced by [REDACTED]. */
  excerpt: string;
}

/** Files whose names say they hold credentials: their high-entropy words count as secrets too. */
const CREDENTIAL_FILE = /^(\.env.*|.*\.pem|id_.*|credentials.*)$/i;
/** A word of a key or token: 20 or more base64 or hex characters, split at `=` so `NAME=value` is two words. */
const WORD = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
const LETTER_AND_DIGIT = /^(?=.*[A-Za-z])(?=.*[0-9])/;
const FILE_HEADER = /^diff --git a\/.* b\/(.*)$/gm;

/** Shannon entropy in bits per character; random base64 is near 6, English words near 3. */
function entropy(word: string): number {
  const counts = new Map<string, number>();
  for (const ch of word) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / word.length) * Math.log2(n / word.length);
  return bits;
}

/** Random-looking words of an added line (`text` without its leading `+`, which starts at `from`). */
function highEntropySpans(text: string, from: number): Array<[number, number]> {
  return [...text.matchAll(WORD)].filter((m) => LETTER_AND_DIGIT.test(m[0]) && entropy(m[0]) >= 3.5).map((m) => [from + m.index, from + m.index + m[0].length]);
}

/**
 * The secrets on added lines of a unified diff (`git diff -U0 --no-renames`): token shapes and
 * configured values via the redactor over the whole text at once (fast), then high-entropy
 * words in files named like credentials. Removed and context lines are never reported.
 */
export function scanDiff(diff: string, redact: Redactor): SecretFinding[] {
  const hits = redact.spans(diff).map(([start, end]) => ({ start, end }));
  for (const header of diff.matchAll(FILE_HEADER)) {
    if (!CREDENTIAL_FILE.test(basename(header[1] ?? ''))) continue;
    const next = diff.indexOf('\ndiff --git ', header.index + 1);
    const section = diff.slice(header.index, next < 0 ? diff.length : next);
    let at = 0;
    for (const line of section.split('\n')) {
      if (line.startsWith('+') && !line.startsWith('+++'))
        hits.push(...highEntropySpans(line.slice(1), header.index + at + 1).map(([start, end]) => ({ start, end })));
      at += line.length + 1;
    }
  }
  if (hits.length === 0) return [];
  return locate(diff, hits, redact);
}

/** Turns offsets into file and new-file line, keeping only those on added lines. */
function locate(diff: string, hits: Array<{ start: number; end: number }>, redact: Redactor): SecretFinding[] {
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  const found = new Map<string, SecretFinding>();
  let file = '';
  let newLine = 0;
  let at = 0;
  let next = 0;
  while (at < diff.length && next < sorted.length) {
    const eol = diff.indexOf('\n', at);
    const end = eol < 0 ? diff.length : eol;
    const line = diff.slice(at, end);
    const header = /^diff --git a\/.* b\/(.*)$/.exec(line);
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(line);
    if (header) file = header[1] ?? '';
    else if (hunk) newLine = Number(hunk[1]) - 1;
    else if (line.startsWith('+') && !line.startsWith('+++')) newLine++;
    else if (line.startsWith(' ')) newLine++;
    const spans: Array<[number, number]> = [];
    for (; next < sorted.length && (sorted[next]?.start ?? Infinity) <= end; next++) {
      const hit = sorted[next];
      if (hit && hit.start >= at) spans.push([hit.start - at, Math.min(hit.end, end) - at]);
    }
    if (spans.length > 0 && line.startsWith('+') && !line.startsWith('+++')) {
      const key = `${file}:${newLine}`;
      if (!found.has(key)) found.set(key, { file, line: newLine, excerpt: shorten(maskSpans(redact(line.slice(1)), spans, line, redact), 200) });
    }
    at = end + 1;
  }
  return [...found.values()];
}

/** The line redacted by the redactor, and its high-entropy words too. */
function maskSpans(redacted: string, spans: Array<[number, number]>, line: string, redact: Redactor): string {
  if (redacted !== line.slice(1)) return redacted;
  let out = line;
  for (const [start, end] of [...spans].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + REDACTED + out.slice(end);
  return redact(out.slice(1));
}

/** One line per finding, for the thread and the fix-up prompt. */
export function describeFindings(findings: readonly SecretFinding[]): string {
  return findings
    .slice(0, 10)
    .map((f) => `${f.file}:${f.line}: ${f.excerpt}`)
    .join('\n');
}

/** The push was blocked: these secrets were on added lines. */
export class SecretsFoundError extends Error {
  constructor(readonly findings: SecretFinding[]) {
    super(`push blocked: ${findings.length} secret(s) in the diff\n${describeFindings(findings)}`);
    this.name = 'SecretsFoundError';
  }
}

/** The fix-up turn after a blocked push: where the secrets are, never what they are. */
export function secretFixupPrompt(findings: readonly SecretFinding[]): string {
  return [
    'Push blocked: the runner found secrets in your changes and pushed nothing.',
    describeFindings(findings),
    'Remove every secret from these files (delete files that only hold credentials; use placeholders such as <your-key> in examples), and finish with a short summary. Another secret fails the task.',
  ].join('\n\n');
}
