/**
 * What the stores read of errors the operating system raises through Node (`fs`, `process.kill`), and whether a
 * process lives: shared by the lock file and the traffic log, which both tell a live owner from a dead one.
 */

/** The error's `code` (`ENOENT`, `EPERM`…), if it has one. */
export function errCode(e: unknown): string | undefined {
  return e !== null && typeof e === "object" && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

/** The error's message, or the thrown value as text. */
export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Whether process `pid` on this host is alive (one we may not signal, another user's, is). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e: unknown) {
    return errCode(e) === "EPERM";
  }
}
