/**
 * Progress for long jobs: events/s and ETA on a TTY (stderr), nothing when piped or in CI.
 */
export interface ProgressSource {
  /** Units done so far (events). */
  done(): number;
  /** Fraction of the input read, 0..1, or null when unknown (stdin). */
  fraction(): number | null;
}

export interface Progress {
  stop(): void;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.round((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** Starts a progress line on `stream` when it is a TTY; returns a handle whose stop() clears it. */
export function startProgress(label: string, src: ProgressSource, stream: NodeJS.WriteStream = process.stderr, everyMs = 500): Progress {
  if (!stream.isTTY || process.env["CI"]) return { stop: () => undefined };
  const started = performance.now();
  const tick = (): void => {
    const secs = (performance.now() - started) / 1000;
    const done = src.done();
    const rate = secs > 0 ? done / secs : 0;
    const frac = src.fraction();
    const eta = frac !== null && frac > 0 ? fmtDuration((secs * (1 - frac)) / frac) : "?";
    const pct = frac !== null ? ` ${(frac * 100).toFixed(1)}%` : "";
    stream.write(`\r${label}: ${done.toLocaleString("en-US")} events, ${Math.round(rate).toLocaleString("en-US")} ev/s${pct}, ETA ${eta}   `);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      stream.write("\r\x1b[2K");
    },
  };
}
