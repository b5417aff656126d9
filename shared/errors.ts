/** What went wrong, as a stable code that tests and handlers can switch on. */
export type DirectorErrorCode =
  | 'config_invalid'
  | 'config_file_unreadable'
  | 'database_too_new'
  | 'database_migration_failed'
  | 'usage'
  | 'slack_api_error'
  | 'shutting_down'
  | 'runner_not_paired'
  | 'pairing_refused'
  | 'link_refused'
  | 'sandbox_unavailable'
  | 'setup_broken'
  | 'task_not_closable'
  | 'runner_busy';

/** An error that tells the person what to do about it. `message` names the fix. */
export class DirectorError extends Error {
  override readonly name = 'DirectorError';

  constructor(
    readonly code: DirectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isDirectorError(error: unknown): error is DirectorError {
  return error instanceof DirectorError;
}

/** One line for a person: the message of a DirectorError, or the error's own message and its causes. */
export function describeError(error: unknown): string {
  if (isDirectorError(error)) return error.message;
  if (error instanceof Error) {
    const cause = error.cause === undefined ? '' : ` (caused by: ${describeError(error.cause)})`;
    return `${error.message}${cause}`;
  }
  return String(error);
}
