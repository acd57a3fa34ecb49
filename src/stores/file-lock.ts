/**
 * A lock file (`<state>.lock`) that keeps two processes from writing one journal: both would
 * append and compact independently and lose each other's records.
 *
 * The lock holds `{"pid":…,"host":…}`. It is created atomically with its content (write a private
 * temp file, then `link` it to the lock name, which fails if the name exists), so a lock file is
 * never seen half-written. A lock whose pid is not running on this host is stale (the holder was
 * killed, e.g. `kill -9` or a container restart) and is taken over. A lock from another host is
 * never judged stale: we cannot see its processes (state on a network share).
 */
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { StateStoreError } from "./state-store.ts";
import { errCode, errMessage, pidAlive } from "./os-errors.ts";

/** A held lock. */
export interface HeldLock {
  readonly path: string;
  /** Pid of the dead process whose stale lock was taken over, or null. */
  readonly tookOverFrom: number | null;
  /** Remove the lock file (only if it is still ours). Idempotent. */
  release(): void;
}

interface LockContent {
  readonly pid: number;
  readonly host: string;
}

/** Lock paths this process holds: a lock naming our own pid is stale unless it is in here. */
const HELD = new Set<string>();

const MAX_ATTEMPTS = 5;

/**
 * Take the lock at `lockPath` for this process.
 * @throws StateStoreError `STORE_LOCKED` when a live process holds it, `STORE_IO` when the OS refuses.
 */
export function acquireLock(lockPath: string, what: string): HeldLock {
  const me: LockContent = { pid: process.pid, host: hostname() };
  const text = JSON.stringify(me);
  let tookOverFrom: number | null = null;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(lockPath, text)) {
      HELD.add(lockPath);
      return makeHeld(lockPath, text, tookOverFrom);
    }
    const seen = readLock(lockPath);
    if (seen === undefined) continue; // vanished between link and read: try again
    const holder = parseLock(seen);
    if (holder !== null && isLive(holder, lockPath)) {
      const where = holder.host === me.host ? "" : ` on host ${holder.host}`;
      const self = holder.pid === me.pid && holder.host === me.host ? " (this process: it is already open here)" : "";
      throw new StateStoreError(
        "STORE_LOCKED",
        `${what} is in use by process ${holder.pid}${where}${self} (lock file ${lockPath}). ` +
          `Stop that process or use another state path; if that process is certainly gone, delete the lock file.`,
      );
    }
    if (takeOver(lockPath, seen)) tookOverFrom = holder?.pid ?? null;
  }
  throw new StateStoreError("STORE_LOCKED", `could not take the lock ${lockPath} for ${what}: other processes keep changing it; retry`);
}

function tryCreate(lockPath: string, text: string): boolean {
  const tmp = `${lockPath}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    linkSync(tmp, lockPath);
    return true;
  } catch (e: unknown) {
    if (errCode(e) === "EEXIST") return false;
    throw new StateStoreError("STORE_IO", `could not create lock file ${lockPath}: ${errMessage(e)}; check the directory exists and is writable`, { cause: e });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp name is private to this pid; a leftover is overwritten next time
    }
  }
}

/** Move the stale lock aside, but only if it is still the one judged stale. */
function takeOver(lockPath: string, staleText: string): boolean {
  const aside = `${lockPath}.stale-${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch (e: unknown) {
    if (errCode(e) === "ENOENT") return false;
    throw new StateStoreError("STORE_IO", `could not remove stale lock ${lockPath}: ${errMessage(e)}`, { cause: e });
  }
  const moved = readLock(aside);
  if (moved !== staleText) {
    // Another process replaced the stale lock with its live one between our read and rename: put it back.
    try {
      linkSync(aside, lockPath);
    } catch {
      // someone created a new lock meanwhile; theirs stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
  return moved === staleText;
}

function makeHeld(lockPath: string, text: string, tookOverFrom: number | null): HeldLock {
  let released = false;
  return {
    path: lockPath,
    tookOverFrom,
    release() {
      if (released) return;
      released = true;
      HELD.delete(lockPath);
      if (readLock(lockPath) === text) {
        try {
          unlinkSync(lockPath);
        } catch {
          // gone already: nothing to release
        }
      }
    },
  };
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function parseLock(text: string): LockContent | null {
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === "object") {
      const { pid, host } = v as Record<string, unknown>;
      if (typeof pid === "number" && Number.isInteger(pid) && pid > 0 && typeof host === "string") return { pid, host };
    }
  } catch {
    // not ours: handled as stale below
  }
  return null;
}

function isLive(holder: LockContent, lockPath: string): boolean {
  if (holder.host !== hostname()) return true;
  // Our own pid in a lock we do not hold: a previous incarnation with the same pid (containers
  // restart as pid 1), hence stale.
  if (holder.pid === process.pid) return HELD.has(lockPath);
  return pidAlive(holder.pid);
}

