// What the API handlers share: the incoming request as read by the server, and the emulator's state.
import { readFileSync, statSync } from 'node:fs';
import type { LoopGuard, Scripts } from './scripts.ts';
import type { RecordedRequest } from './types.ts';

/** A request whose body has been read and JSON-decoded. */
export interface HttpRequest {
  method: string;
  /** Path with query, as sent. */
  path: string;
  pathname: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The decoded JSON body (undefined when empty). */
  json: unknown;
  /** Body size in bytes, used to make up plausible token counts. */
  size: number;
}

/** Emulator state the handlers read and write. */
export interface HandlerContext {
  scripts: Scripts;
  guard: LoopGuard;
  now(): number;
  record(request: RecordedRequest): void;
  /** A fresh id such as `resp_emu_7`. */
  nextId(prefix: string): string;
}

/** Roughly four bytes per token, like the real tokenizers on English and code. */
export const tokensOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4));

/** Whether a regular file exists at `path`. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A file's text, or undefined when there is no such regular file. */
export function readTextFile(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
