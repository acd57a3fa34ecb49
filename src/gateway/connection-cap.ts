/**
 * How many client connections the gateway holds at once. Every connection is a file descriptor; past the
 * process's limit, accepting fails, and so do what moat itself must open: upstream connections (a pool of
 * {@link UPSTREAM_POOL}.connections per provider) and traffic-log files (an exchange that cannot be logged).
 * Connections cost nothing to open without a key, and an idle one is kept for the keep-alive timeout, so
 * the count is capped below the limit: connections past the cap are dropped at once (counted,
 * `moat_connections_dropped_total`) and the descriptors moat needs stay free.
 */
import { readFileSync } from "node:fs";
import { UPSTREAM_POOL } from "./upstream.ts";

/** Descriptors kept back for moat's own use: both upstream pools, and files, timers, the admin API's clients. */
export const RESERVED_FDS = 2 * UPSTREAM_POOL.connections + 256;
/** The cap when the descriptor limit cannot be read (not Linux). */
export const FALLBACK_MAX_CONNECTIONS = 10_000;

/** The soft "Max open files" of a `/proc/<pid>/limits` text; null when absent or unlimited. */
export function openFilesLimit(limitsText: string): number | null {
  const m = /^Max open files\s+(\S+)/m.exec(limitsText);
  if (m === null || m[1] === "unlimited") return null;
  const n = Number(m[1]);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * The default cap for a descriptor limit (null: unknown): the limit less {@link RESERVED_FDS}, or half of a
 * limit too small for that (clients and moat's own connections then share it), at least 64.
 */
export function defaultMaxConnections(fdLimit: number | null): number {
  if (fdLimit === null) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(64, fdLimit - Math.min(RESERVED_FDS, Math.floor(fdLimit / 2)));
}

/** Below this many client connections the operator is told at start (raise `ulimit -n`). */
export const LOW_MAX_CONNECTIONS = 1000;

/**
 * This process's descriptor limit (Linux), or null. Node raises its soft limit to the hard one at start, so
 * this is in effect the hard limit (`ulimit -Hn`).
 */
export function processFdLimit(): number | null {
  try {
    return openFilesLimit(readFileSync("/proc/self/limits", "utf8"));
  } catch {
    return null;
  }
}
