/**
 * An error the user can fix: the message says what was wrong and what to do. The CLI prints it
 * without a stack trace and exits 2. `code` is stable, for scripts and tests.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "UserError";
  }
}
